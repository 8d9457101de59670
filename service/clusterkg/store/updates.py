"""SPARQL Update texts shared by both stores: replace a graph and its manifest record, drop a graph, write
a case only if its resources are new."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pyoxigraph as ox

from ..namespaces import META_GRAPH, META_IMPORT_PENDING, META_SHA256, META_SOURCE_PATH
from .base import SourceRecord

MANIFEST_QUERY = f"""SELECT ?graph ?path ?sha256 WHERE {{
  GRAPH <{META_GRAPH}> {{ ?graph <{META_SOURCE_PATH}> ?path ; <{META_SHA256}> ?sha256 }}
}}"""

GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"

UNFINISHED_IMPORTS_QUERY = f"SELECT ?graph WHERE {{ GRAPH <{META_GRAPH}> {{ ?graph <{META_IMPORT_PENDING}> ?since }} }}"


def import_started(graph: str, since: str) -> str:
    """The pending record an import writes before its first triple."""
    return f"INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{graph}> <{META_IMPORT_PENDING}> {_literal(since)} }} }}"


def import_finished(graph: str) -> str:
    """Removing the pending record is what completes an import."""
    return f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{graph}> <{META_IMPORT_PENDING}> ?since }} }}"


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


def resources_taken(new: Sequence[str]) -> str:
    """ASK: does one of the ``new`` resources have a type in some graph already?"""
    values = " ".join(str(ox.NamedNode(iri)) for iri in new)
    return f"ASK {{ VALUES ?new {{ {values} }} GRAPH ?g {{ ?new a ?type }} }}"


def graph_exists(graph: str) -> str:
    return f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"


def insert_case(graph: str, triples: Sequence[ox.Triple], new: Sequence[str] = ()) -> str:
    """One update that writes ``triples`` into ``graph``, only if none of the ``new`` resources has a type in
    any graph yet: the check and the write are one transaction, so two service processes (or two
    clients of one remote store) cannot both add the same resource. The triples are written by
    pyoxigraph's N-Triples serialiser, so every IRI and literal is escaped as SPARQL expects (N-Triples
    is a subset of SPARQL's triple syntax)."""
    ntriples = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
    if not new:
        return f"INSERT DATA {{ GRAPH {ox.NamedNode(graph)} {{\n{ntriples}}} }}"
    values = " ".join(str(ox.NamedNode(iri)) for iri in new)
    condition = f"FILTER NOT EXISTS {{ VALUES ?new {{ {values} }} GRAPH ?g {{ ?new a ?type }} }}"
    return f"INSERT {{ GRAPH {ox.NamedNode(graph)} {{\n{ntriples}}} }}\nWHERE {{ {condition} }}"
