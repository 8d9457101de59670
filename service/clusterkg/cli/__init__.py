"""The ``clusterkg`` command: the group, and one module per family of commands.

========================  ==========================================================
``serve.py``              ``serve``: the HTTP service
``store.py``              ``build`` (load the sources into a store), ``sparql`` (run a query)
``query.py``              ``query``: list or run the canned queries
``dataset.py``            ``dump``, ``load``, ``graphs``, ``unload``: the dataset as a whole
``links.py``              ``links generate|check``, ``mappings``: external identifiers
``validate.py``           ``validate``: check entries as the service does
``options.py``            what the commands share (settings, errors, common options)
========================  ==========================================================
"""

from __future__ import annotations

import click

from .. import __version__
from . import dataset, links, query, serve, store, validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clusterkg")
def main() -> None:
    """ClusterKG: a knowledge graph of industrial-cluster policy and its SPARQL 1.1 endpoint.

    Every option can also be set with a CLUSTERKG_* environment variable (see README.md).
    """


for _family in (serve, store, query, dataset, links, validate):
    for _command in _family.COMMANDS:
        main.add_command(_command)
