"""Bounded lookups: the server evaluates one triple pattern with a constant subject itself, without the hop
to a query worker, and answers it exactly as a worker would, seeing every write that has answered."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from clusterkg.errors import QuerySyntaxError
from clusterkg.store.base import QueryJob, QueryResult
from clusterkg.store.embedded import EmbeddedStore
from clusterkg.store.plans import is_bounded_lookup
from store_support import CountingPool, open_counting

ORG = "https://w3id.org/clusterkg/id/org/ivam"

LOOKUPS = [
    f"SELECT ?p ?o WHERE {{ <{ORG}> ?p ?o }}",
    f"SELECT * {{ <{ORG}> ?p ?o . }} LIMIT 10 OFFSET 2",
    "PREFIX org: <https://w3id.org/clusterkg/id/org/>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    "select ?label where { org:ivam rdfs:label ?label }",
    f"SELECT ?o WHERE {{ <{ORG}> a ?o }}",
    f"SELECT ?p WHERE {{ <{ORG}> ?p <https://w3id.org/clusterkg/ont#Association> }}",
]

NOT_LOOKUPS = {
    "a variable subject": "SELECT ?p ?o WHERE { ?s ?p ?o }",
    "a second pattern": f"SELECT * WHERE {{ <{ORG}> ?p ?o . ?o ?q ?r }}",
    "a join through a blank node": f"SELECT * WHERE {{ <{ORG}> ?p [ ?q ?r ] }}",
    "a property path": f"SELECT * WHERE {{ <{ORG}> <urn:p>* ?o }}",
    "a sequence path": f"SELECT * WHERE {{ <{ORG}> <urn:p>/<urn:q> ?o }}",
    "a comment": f"SELECT * WHERE {{ <{ORG}> ?p ?o # }} . ?a ?b ?c }}\n}}",
    "an escape read before parsing": f"SELECT * WHERE {{ <{ORG}> ?p ?o \\u007D . ?a ?b ?c }}",
    "an escape inside an IRI": "SELECT * WHERE { <urn:x\\u003E ?p ?o . ?a ?b ?c . <urn:y> ?p ?o }",
    "a filter": f"SELECT * WHERE {{ <{ORG}> ?p ?o FILTER(?o != 1) }}",
    "a service call": f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:1/sparql> {{ <{ORG}> ?p ?o }} }}",
    "an order": f"SELECT * WHERE {{ <{ORG}> ?p ?o }} ORDER BY ?o",
    "a group": f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ <{ORG}> ?p ?o }} GROUP BY ?p",
    "distinct": f"SELECT DISTINCT ?p WHERE {{ <{ORG}> ?p ?o }}",
    "a union": f"SELECT * WHERE {{ {{ <{ORG}> ?p ?o }} UNION {{ ?s ?p ?o }} }}",
    "a nested group": f"SELECT * WHERE {{ {{ <{ORG}> ?p ?o }} }}",
    "a literal object": f'SELECT * WHERE {{ <{ORG}> ?p "x" }}',
    "a dataset clause": f"SELECT * FROM <urn:g> WHERE {{ <{ORG}> ?p ?o }}",
    "a CONSTRUCT": f"CONSTRUCT WHERE {{ <{ORG}> ?p ?o }}",
    "an update": f"INSERT DATA {{ <{ORG}> <urn:p> <urn:o> }}",
    "a prefixed name running into the predicate": "SELECT * WHERE { ex:aa ex:b }",
    "a trailing pattern after a dot in a name": "SELECT * WHERE { ex:s ?p ex:o.x }",
}


@pytest.mark.parametrize("query", LOOKUPS)
def test_one_pattern_with_a_constant_subject_is_a_bounded_lookup(query: str) -> None:
    assert is_bounded_lookup(query)


@pytest.mark.parametrize("query", NOT_LOOKUPS.values(), ids=NOT_LOOKUPS.keys())
def test_anything_more_goes_to_a_query_worker(query: str) -> None:
    assert not is_bounded_lookup(query)


def insert(number: int) -> str:
    return f"INSERT DATA {{ GRAPH <https://w3id.org/clusterkg/graph/cases/t> {{ <{ORG}> <urn:p{number}> {number} }} }}"


@pytest.fixture(params=[False, True], ids=["one process", "several processes"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[EmbeddedStore, CountingPool]]:
    embedded, pool = open_counting(tmp_path, shared=request.param)
    yield embedded, pool
    embedded.close()


def values(result: QueryResult) -> list[str]:
    return sorted(row["o"]["value"] for row in json.loads(result.body)["results"]["bindings"])


def test_a_lookup_is_answered_without_a_worker_and_sees_each_write_at_once(
    store: tuple[EmbeddedStore, CountingPool],
) -> None:
    embedded, pool = store
    lookup = QueryJob(f"SELECT ?o WHERE {{ <{ORG}> ?p ?o }}", "json")

    async def scenario() -> list[list[str]]:
        seen = []
        for number in range(3):
            embedded.update(insert(number))
            seen.append(values(await embedded.query(lookup)))
        return seen

    assert asyncio.run(scenario()) == [["0"], ["0", "1"], ["0", "1", "2"]]
    assert pool.jobs == 0
    other = QueryJob("SELECT ?o WHERE { ?s ?p ?o }", "json")
    assert values(asyncio.run(embedded.query(other))) == ["0", "1", "2"] and pool.jobs == 1


def test_a_lookup_answers_as_a_worker_does_and_is_cut_at_the_row_limit(
    store: tuple[EmbeddedStore, CountingPool],
) -> None:
    embedded, pool = store
    for number in range(5):
        embedded.update(insert(number))
    for fmt in ("json", "xml", "csv", "tsv"):
        job = QueryJob(f"SELECT ?p ?o WHERE {{ <{ORG}> ?p ?o }}", fmt, max_rows=3)
        here = asyncio.run(embedded.query(job))
        assert (here.count, here.truncated) == (3, True)
        assert here == asyncio.run(pool.run(job))


def test_a_malformed_lookup_is_the_same_syntax_error(store: tuple[EmbeddedStore, CountingPool]) -> None:
    embedded, _ = store
    with pytest.raises(QuerySyntaxError):
        asyncio.run(embedded.query(QueryJob("SELECT ?o WHERE { undeclared:x ?p ?o }", "json")))
