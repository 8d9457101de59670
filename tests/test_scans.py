"""Scans: an aggregate, a DISTINCT or a sort over one triple pattern with a constant predicate is evaluated
by the server itself when it reads an in-memory copy of the store and the predicate has few triples there;
it answers as a worker would and sees every write at once, and is left to a worker whenever its sort
could meet terms the engine does not order totally (an engine abort there would take the server's
process down with it)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from clusterkg.store import plans
from clusterkg.store.base import QueryJob, QueryResult
from clusterkg.store.embedded import EmbeddedStore
from clusterkg.store.plans import read_plan
from clusterkg.store.replica import ReplicaReader
from store_support import CountingPool, open_counting

GRAPH = "https://w3id.org/clusterkg/graph/cases/t"
P = "https://w3id.org/clusterkg/ont#supportFunction"

SCANS = {
    "the benchmark's aggregate": "PREFIX ckg: <https://w3id.org/clusterkg/ont#>\nSELECT ?function (COUNT(?service) "
    "AS ?services)\nWHERE { ?service ckg:supportFunction ?function }\nGROUP BY ?function HAVING "
    "(COUNT(?service) >= 2)\nORDER BY DESC(?services) ?function",
    "a count of a class": "SELECT (COUNT(*) AS ?n) { ?s a <https://w3id.org/clusterkg/ont#Association> }",
    "distinct objects": f"select distinct ?o where {{ ?s <{P}> ?o . }} order by asc(?o) limit 5 offset 1",
    "several aggregates": f"SELECT ?s (MIN(?o) AS ?low) (SAMPLE(?o) AS ?one) (COUNT(DISTINCT ?o) AS ?n) "
    f"{{ ?s <{P}> ?o }} GROUP BY ?s HAVING (COUNT(?o) > 0) (SUM(?o) != 3) OFFSET 0 LIMIT 9",
}

NOT_SCANS = {
    "a variable predicate": "SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p",
    "a second pattern": f"SELECT (COUNT(*) AS ?n) {{ ?s <{P}> ?o . ?o <{P}> ?x }}",
    "an object list": f"SELECT (COUNT(*) AS ?n) {{ ?s <{P}> ?o, ?x }}",
    "a property path": f"SELECT (COUNT(*) AS ?n) {{ ?s <{P}>* ?o }}",
    "an inverse path": f"SELECT (COUNT(*) AS ?n) {{ ?s ^<{P}> ?o }}",
    "a filter": f"SELECT (COUNT(*) AS ?n) {{ ?s <{P}> ?o FILTER(?o != 1) }}",
    "an aggregate of an expression": f"SELECT (COUNT(STR(?o)) AS ?n) {{ ?s <{P}> ?o }}",
    "a group key that is an expression": f"SELECT (COUNT(*) AS ?n) {{ ?s <{P}> ?o }} GROUP BY (STR(?o))",
    "a sort key that is an expression": f"SELECT ?o {{ ?s <{P}> ?o }} ORDER BY STR(?o)",
    "a HAVING on a variable": f"SELECT ?s {{ ?s <{P}> ?o }} GROUP BY ?s HAVING (COUNT(?o) > ?s)",
    "a GROUP_CONCAT": f"SELECT (GROUP_CONCAT(?o) AS ?all) {{ ?s <{P}> ?o }}",
    "a comment": f"SELECT (COUNT(*) AS ?n) {{ ?s <{P}> ?o # }} . ?a ?b ?c }}\n}}",
    "an escape read before parsing": f"SELECT (COUNT(*) AS ?n) {{ ?s <{P}> ?o \\u007D . ?a ?b ?c }}",
    "a string": f'SELECT (COUNT(*) AS ?n) {{ ?s <{P}> "x" }}',
    "a dataset clause": f"SELECT (COUNT(*) AS ?n) FROM <urn:g> {{ ?s <{P}> ?o }}",
    "a subquery": f"SELECT ?n {{ SELECT (COUNT(*) AS ?n) {{ ?s <{P}> ?o }} }}",
    "a name with a dot inside": "PREFIX ex: <urn:x:> SELECT (COUNT(*) AS ?n) { ?s ex:p ex:o.x }",
    "a capital A for rdf:type": "SELECT (COUNT(*) AS ?n) { ?s A <urn:c> }",
}


@pytest.mark.parametrize("query", SCANS.values(), ids=SCANS.keys())
def test_an_aggregate_or_a_sort_over_one_pattern_with_a_constant_predicate_is_a_scan(query: str) -> None:
    plan = read_plan(query)
    assert plan is not None and plan.predicate is not None and not plan.lookup


@pytest.mark.parametrize("query", NOT_SCANS.values(), ids=NOT_SCANS.keys())
def test_anything_else_is_not_a_scan(query: str) -> None:
    plan = read_plan(query)
    assert plan is None or plan.predicate is None


def test_the_sort_is_known_to_compare_counts_subjects_or_objects_only() -> None:
    def positions(modifiers: str) -> list[str] | None:
        plan = read_plan(f"SELECT ?s (COUNT(?o) AS ?n) (SUM(?o) AS ?t) {{ ?s <{P}> ?o }} {modifiers}")
        assert plan is not None
        found = plan.sorted_positions()
        return None if found is None else sorted(found)

    assert positions("GROUP BY ?s ORDER BY DESC(?n)") == []
    assert positions("GROUP BY ?s ORDER BY DESC(?n) ?s") == ["subject"]
    assert positions("ORDER BY ?o ?n") == ["object"]
    assert positions("GROUP BY ?s ORDER BY ?t") is None  # a sum may be of any type
    assert positions("ORDER BY ?elsewhere") is None


@pytest.fixture
def several(tmp_path: Path) -> Iterator[tuple[EmbeddedStore, CountingPool]]:
    """A store as each of several HTTP processes opens it: read from an in-memory copy of its snapshots."""
    embedded, pool = open_counting(tmp_path, shared=True)
    add(embedded, "<urn:s0> <urn:f1>")
    assert isinstance(embedded._reader, ReplicaReader) and embedded._reader.wait_for_copy(30)
    yield embedded, pool
    embedded.close()


def add(store: EmbeddedStore, *pairs: str) -> None:
    """Each pair is a subject and an object of the support-function predicate."""
    triples = " ".join(f"{pair.split()[0]} <{P}> {pair.split()[1]} ." for pair in pairs)
    store.update(f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {triples} }} }}", changed=[GRAPH])


COUNTS = (
    f"SELECT ?function (COUNT(?service) AS ?services) WHERE {{ ?service <{P}> ?function }} "
    "GROUP BY ?function ORDER BY DESC(?services) ?function"
)


def rows(result: QueryResult) -> list[tuple[str, ...]]:
    return [tuple(cell["value"] for cell in row.values()) for row in json.loads(result.body)["results"]["bindings"]]


def test_a_scan_is_answered_without_a_worker_and_sees_each_write_at_once(
    several: tuple[EmbeddedStore, CountingPool],
) -> None:
    embedded, pool = several
    job = QueryJob(COUNTS, "json")

    async def scenario() -> list[list[tuple[str, ...]]]:
        seen = [rows(await embedded.query(job))]
        for number in range(2):
            add(embedded, f"<urn:s{number + 1}> <urn:f2>")
            seen.append(rows(await embedded.query(job)))
        return seen

    assert asyncio.run(scenario()) == [
        [("urn:f1", "1")],
        [("urn:f1", "1"), ("urn:f2", "1")],
        [("urn:f2", "2"), ("urn:f1", "1")],
    ]
    assert pool.jobs == 0


def test_a_scan_answers_as_a_worker_does_in_every_format_and_is_cut_at_the_row_limit(
    several: tuple[EmbeddedStore, CountingPool],
) -> None:
    embedded, pool = several
    add(embedded, *(f"<urn:s{n}> <urn:f{n}>" for n in range(5)))
    for fmt in ("json", "xml", "csv", "tsv"):
        job = QueryJob(COUNTS, fmt, max_rows=3)
        here = asyncio.run(embedded.query(job))
        assert (here.count, here.truncated) == (3, True)
        assert here == asyncio.run(pool.run(job))
    assert pool.jobs == 4  # only the comparisons above


def test_a_sort_over_literals_is_left_to_a_worker_and_the_check_is_asked_again_after_a_write(
    several: tuple[EmbeddedStore, CountingPool],
) -> None:
    """A mix of booleans, numbers and language-tagged strings is what makes the engine's sort abort."""
    embedded, pool = several
    by_object = f"SELECT ?o (COUNT(*) AS ?n) {{ ?s <{P}> ?o }} GROUP BY ?o ORDER BY ?o"
    by_count = f"SELECT ?o (COUNT(*) AS ?n) {{ ?s <{P}> ?o }} GROUP BY ?o ORDER BY DESC(?n)"
    asyncio.run(embedded.query(QueryJob(by_object, "json")))
    assert pool.jobs == 0  # IRIs only so far
    add(embedded, "<urn:s9> true", "<urn:s9> 3", '<urn:s9> "drei"@de')
    answered = rows(asyncio.run(embedded.query(QueryJob(by_object, "json"))))
    assert sorted(answered) == [("3", "1"), ("drei", "1"), ("true", "1"), ("urn:f1", "1")]
    assert pool.jobs == 1
    asyncio.run(embedded.query(QueryJob(by_count, "json")))  # counts are integers: evaluated here
    assert pool.jobs == 1


def test_a_scan_over_a_predicate_with_many_triples_is_left_to_a_worker(
    several: tuple[EmbeddedStore, CountingPool], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its cost grows with the predicate's triples: beyond the bound, a worker evaluates it."""
    embedded, pool = several
    monkeypatch.setattr(plans, "MAX_SCAN_TRIPLES", 3)
    add(embedded, "<urn:s1> <urn:f1>", "<urn:s2> <urn:f1>")
    assert rows(asyncio.run(embedded.query(QueryJob(COUNTS, "json")))) == [("urn:f1", "3")]
    assert pool.jobs == 0  # 3 triples
    add(embedded, "<urn:s3> <urn:f2>")
    assert rows(asyncio.run(embedded.query(QueryJob(COUNTS, "json")))) == [("urn:f1", "3"), ("urn:f2", "1")]
    assert pool.jobs == 1  # 4 triples, counted again for the new snapshot


def test_a_scan_goes_to_a_worker_where_the_store_is_not_read_from_memory(tmp_path: Path) -> None:
    embedded, pool = open_counting(tmp_path, shared=False)
    try:
        add(embedded, "<urn:s0> <urn:f1>")
        assert rows(asyncio.run(embedded.query(QueryJob(COUNTS, "json")))) == [("urn:f1", "1")]
        assert pool.jobs == 1
    finally:
        embedded.close()
