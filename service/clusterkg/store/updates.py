"""SPARQL Update texts shared by both stores: replace a graph and its manifest record, drop a graph."""

from __future__ import annotations

import json

from ..namespaces import META_GRAPH, META_SHA256, META_SOURCE_PATH
from .base import SourceRecord

MANIFEST_QUERY = f"""SELECT ?graph ?path ?sha256 WHERE {{
  GRAPH <{META_GRAPH}> {{ ?graph <{META_SOURCE_PATH}> ?path ; <{META_SHA256}> ?sha256 }}
}}"""

GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def forget_record(graph: str) -> str:
    return f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{graph}> ?p ?o }} }}"


def write_record(record: SourceRecord) -> str:
    """Rewrite the manifest record of one graph."""
    return (
        f"{forget_record(record.graph)} ;\n"
        f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{record.graph}> <{META_SOURCE_PATH}> {_literal(record.path)} ; "
        f"<{META_SHA256}> {_literal(record.sha256)} }} }}"
    )


def replace_graph(record: SourceRecord, ntriples: str) -> str:
    """One update request: drop the graph, insert the new triples, rewrite the manifest record."""
    return (
        f"DROP SILENT GRAPH <{record.graph}> ;\n"
        f"INSERT DATA {{ GRAPH <{record.graph}> {{\n{ntriples}\n}} }} ;\n"
        f"{write_record(record)}"
    )


def drop_graph(graph: str) -> str:
    return f"DROP SILENT GRAPH <{graph}> ;\n{forget_record(graph)}"
