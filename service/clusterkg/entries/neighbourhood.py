"""What the graph already says about the resources an entry refers to: types, labels and concept schemes.

Validation needs this neighbourhood, not the whole graph: a ``sh:class`` constraint on a reference is
checked against the referenced resource's type, a concept against its scheme, and a reference to a resource
that does not exist is found because it has no type. ``describe`` fetches it with one SPARQL query (a
``VALUES`` block of the IRIs), which works the same on the embedded store, a remote endpoint, or an
in-memory store loaded from the source files (the CLI without a built store).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from pyoxigraph import NamedNode, RdfFormat, parse
from pyoxigraph import Store as OxStore

from ..namespaces import RDF, RDFS, SKOS
from ..sources import Resources
from ..store.base import QueryJob, Store
from ..store.evaluate import evaluate

DESCRIBED_PROPERTIES = (RDF + "type", RDFS + "label", SKOS + "inScheme")
MAX_TRIPLES = 1_000_000


def describe_query(iris: Iterable[str]) -> str:
    """One CONSTRUCT over the union of all graphs. IRIs are written by pyoxigraph, so they are escaped.

    The ``VALUES`` block pairs each IRI with each property: every pair is one index lookup. (Two separate
    ``VALUES`` blocks, one for the IRIs and one for the properties, take Oxigraph a second on a graph of
    a million triples instead of a millisecond.)
    """
    pairs = " ".join(f"({NamedNode(iri)} <{p}>)" for iri in sorted(set(iris)) for p in DESCRIBED_PROPERTIES)
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p) {{ {pairs} }} ?s ?p ?o }}"


def parse_ntriples(body: bytes) -> list[tuple[object, object, object]]:
    return [(q.subject, q.predicate, q.object) for q in parse(body, format=RdfFormat.N_TRIPLES)]


class ContextSource(Protocol):
    """Where the neighbourhood of an entry comes from."""

    def describe(self, iris: Iterable[str]) -> list[tuple[object, object, object]]:
        """``rdf:type``, ``rdfs:label`` and ``skos:inScheme`` triples (pyoxigraph terms) of ``iris``."""
        ...


class StoreContext:
    """The neighbourhood from a ``Store`` (embedded or remote)."""

    def __init__(self, store: Store, timeout: float = 30.0) -> None:
        self.store = store
        self.timeout = timeout

    def describe(self, iris: Iterable[str]) -> list[tuple[object, object, object]]:
        iris = list(iris)
        if not iris:
            return []
        job = QueryJob(describe_query(iris), "ntriples", max_rows=MAX_TRIPLES, timeout=self.timeout)
        return parse_ntriples(self.store.query_sync(job).body)


class MemoryContext:
    """The neighbourhood from an in-memory store loaded with the ontology and the data files."""

    def __init__(self, store: OxStore) -> None:
        self.store = store

    @classmethod
    def from_sources(cls, resources: Resources, extra: Iterable[Path] = ()) -> MemoryContext:
        store = OxStore()
        for path in [*resources.source_files(), *extra]:
            store.bulk_load(path=str(path), format=RdfFormat.TURTLE, to_graph=NamedNode(path.resolve().as_uri()))
        return cls(store)

    def describe(self, iris: Iterable[str]) -> list[tuple[object, object, object]]:
        iris = list(iris)
        if not iris:
            return []
        job = QueryJob(describe_query(iris), "ntriples", max_rows=MAX_TRIPLES)
        return parse_ntriples(evaluate(self.store, job).body)
