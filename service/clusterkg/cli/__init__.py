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

import importlib

import click

from .. import __version__

#: Each command, and the module of this package that defines it (in its ``COMMANDS``).
COMMAND_MODULES = {
    "serve": "serve",
    "build": "store",
    "sparql": "store",
    "query": "query",
    "dump": "dataset",
    "load": "dataset",
    "graphs": "dataset",
    "unload": "dataset",
    "links": "links",
    "mappings": "links",
    "validate": "validate",
}


class Commands(click.Group):
    """The commands, each imported when it is asked for: ``clusterkg serve`` does not import pySHACL or
    the dataset tools, and the parent of several HTTP processes starts them sooner."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMAND_MODULES.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"{__name__}.{module_name}")
        return next((command for command in module.COMMANDS if command.name == cmd_name), None)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clusterkg")
def main() -> None:
    """ClusterKG: a knowledge graph of industrial-cluster policy and its SPARQL 1.1 endpoint.

    Every option can also be set with a CLUSTERKG_* environment variable (see README.md).
    """
