"""The ontology's HTML documentation and RDF serialisations, generated from the Turtle sources.

Nothing generated is stored in the repository: the HTML is made by pyLODE (its OntPub profile) from
``ontology/*.ttl`` (the OWL ontology and its SKOS concept schemes) the first time it is asked for, then kept
in memory. The RDF serialisations are written by rdflib from the same graph.
"""

from __future__ import annotations

import gc
import warnings
from functools import cache
from pathlib import Path

from rdflib import Graph

from ..formats import Format

#: rdflib serialiser names of the RDF formats the ontology is served in.


def ontology_files(ontology_dir: Path) -> list[Path]:
    """The ontology and its concept schemes: the Turtle files at the top of ``ontology/`` (not the shapes)."""
    return sorted(path for path in ontology_dir.glob("*.ttl") if path.is_file())


@cache
def ontology_graph(ontology_dir: Path) -> Graph:
    graph = Graph()
    for path in ontology_files(ontology_dir):
        graph.parse(path, format="turtle")
    return graph


@cache
def ontology_html(ontology_dir: Path) -> bytes:
    """The pyLODE documentation of the ontology and its concept schemes, as UTF-8 HTML."""
    from pylode import OntPub  # noqa: PLC0415 - pyLODE is only needed when the documentation is first asked for

    graph = Graph()
    graph += ontology_graph(ontology_dir)  # pyLODE adds its own triples to the graph it is given
    with warnings.catch_warnings():
        # pyLODE 3.3 reads its CSS without closing the file: let the collector close it here, quietly.
        warnings.simplefilter("ignore", ResourceWarning)
        html: str = OntPub(ontology=graph).make_html()
        gc.collect()
    return html.encode("utf-8")


@cache
def ontology_rdf(ontology_dir: Path, fmt: Format) -> bytes:
    """The ontology and its concept schemes in one RDF format of the registry."""
    graph = Graph()
    graph += ontology_graph(ontology_dir)
    for prefix, namespace in ontology_graph(ontology_dir).namespaces():
        graph.bind(prefix, namespace, override=True)
    data: bytes = graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    return data
