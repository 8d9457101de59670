"""The embedded store: building from sources, named graphs, union default graph, killable workers."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, QuerySolutions, parse_query_results
from pyoxigraph import Store as OxStore

from clusterkg.errors import QueryFailed, QueryMemory, QuerySyntaxError, QueryTimeout, StoreLocked
from clusterkg.formats import BY_NAME
from clusterkg.namespaces import GRAPH, META_GRAPH, graph_for_source
from clusterkg.sources import Resources
from clusterkg.sparql.engine_results import byte_budget
from clusterkg.store.base import QueryJob, QueryResult, Store
from clusterkg.store.build import build
from clusterkg.store.embedded import EmbeddedStore
from clusterkg.store.worker_main import encode_job, read_job
from conftest import FIXTURE_TRIPLES

FIXTURE_GRAPHS = {GRAPH + "ontology/test", GRAPH + "data/alpha", GRAPH + "data/sub/beta"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    embedded = EmbeddedStore(tmp_path / "data", workers=1)
    embedded.start()
    yield embedded
    embedded.close()


def rows(store: EmbeddedStore, query: str, **job: object) -> list[dict[str, str]]:
    result = store.query_sync(QueryJob(query, "json", **job))  # type: ignore[arg-type]
    data = json.loads(result.body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def count(store: EmbeddedStore, where: str = "?s ?p ?o") -> int:
    return int(rows(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")[0]["n"])


def test_graph_names_follow_source_paths() -> None:
    assert graph_for_source("ontology/clusterkg.ttl") == "https://w3id.org/clusterkg/graph/ontology/clusterkg"
    assert graph_for_source("data/ttl/tama.ttl") == "https://w3id.org/clusterkg/graph/data/tama"
    assert graph_for_source("data/ttl/jp/kyushu.ttl") == "https://w3id.org/clusterkg/graph/data/jp/kyushu"


def test_store_satisfies_the_protocol(store: EmbeddedStore) -> None:
    assert isinstance(store, Store)


def test_build_loads_each_file_into_its_own_graph(store: EmbeddedStore, sources: Path) -> None:
    report = build(store, Resources(sources))
    assert sorted(report.loaded) == ["data/ttl/alpha.ttl", "data/ttl/sub/beta.ttl", "ontology/test.ttl"]
    assert store.graph_names() == FIXTURE_GRAPHS | {META_GRAPH}
    per_graph = {
        r["g"]: int(r["n"]) for r in rows(store, "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    assert per_graph[GRAPH + "ontology/test"] == 4
    assert per_graph[GRAPH + "data/alpha"] == 7
    assert per_graph[GRAPH + "data/sub/beta"] == 3


def test_shapes_are_not_loaded(store: EmbeddedStore, sources: Path) -> None:
    build(store, Resources(sources))
    assert count(store, "?s a <http://www.w3.org/ns/shacl#NodeShape>") == 0


def test_default_graph_is_the_union(store: EmbeddedStore, sources: Path) -> None:
    build(store, Resources(sources))
    assert count(store, "?c a <https://w3id.org/clusterkg/ont#Cluster>") == 3
    assert count(store, f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{META_GRAPH}>)") == FIXTURE_TRIPLES


def test_protocol_dataset_replaces_the_union(store: EmbeddedStore, sources: Path) -> None:
    build(store, Resources(sources))
    only_alpha = rows(
        store,
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        default_graphs=(GRAPH + "data/alpha",),
    )
    assert only_alpha == [{"n": "7"}]
    named = rows(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=(GRAPH + "data/sub/beta",))
    assert named == [{"g": GRAPH + "data/sub/beta"}]


def test_rebuild_is_idempotent_and_skips_unchanged_files(store: EmbeddedStore, sources: Path) -> None:
    build(store, Resources(sources))
    before = count(store)
    report = build(store, Resources(sources))
    assert report.loaded == [] and report.dropped == []
    assert len(report.unchanged) == 3
    forced = build(store, Resources(sources), force=True)
    assert len(forced.loaded) == 3
    assert count(store) == before  # blank nodes are replaced, not duplicated


def test_changed_file_is_reloaded_and_removed_file_dropped(store: EmbeddedStore, sources: Path) -> None:
    build(store, Resources(sources))
    (sources / "data/ttl/alpha.ttl").write_text(
        "<https://w3id.org/clusterkg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> 'x' .", encoding="utf-8"
    )
    (sources / "data/ttl/sub/beta.ttl").unlink()
    report = build(store, Resources(sources))
    assert report.loaded == ["data/ttl/alpha.ttl"]
    assert report.dropped == [GRAPH + "data/sub/beta"]
    assert GRAPH + "data/sub/beta" not in store.graph_names()
    assert count(store, f"GRAPH <{GRAPH}data/alpha> {{ ?s ?p ?o }}") == 1
    assert set(store.source_records()) == {GRAPH + "ontology/test", GRAPH + "data/alpha"}


def test_protected_graphs_survive_a_rebuild(store: EmbeddedStore, sources: Path) -> None:
    build(store, Resources(sources))
    case = GRAPH + "cases/submission-1"
    store.update(f"INSERT DATA {{ GRAPH <{case}> {{ <http://e/a> <http://e/b> 'c' }} }}")
    build(store, Resources(sources), force=True)
    assert case in store.graph_names()


def test_syntax_error_has_a_position(store: EmbeddedStore) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        store.query_sync(QueryJob("SELECT *\nWHERE {\n  ?s ?p\n}", "json"))
    assert caught.value.line == 4
    assert caught.value.column is not None


def test_from_does_not_read_local_files(tmp_path: Path) -> None:
    """pyoxigraph treats FROM <file:...> as a graph name; it never dereferences it."""
    secret = tmp_path / "secret.ttl"
    secret.write_text("<http://e/secret> <http://e/p> 'leaked' .", encoding="utf-8")
    store = OxStore()
    store.add(Quad(NamedNode("http://e/a"), NamedNode("http://e/p"), NamedNode("http://e/b")))
    answer = store.query(f"SELECT * FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}")
    assert list(answer) == []


def test_workers_see_new_data_after_a_write(store: EmbeddedStore, sources: Path) -> None:
    async def scenario() -> tuple[int, int]:
        first = await store.query(QueryJob("SELECT * WHERE { ?s ?p ?o }", "json"))
        build(store, Resources(sources))
        second = await store.query(QueryJob("SELECT * WHERE { ?s ?p ?o }", "json"))
        return first.count, second.count

    assert asyncio.run(scenario()) == (0, FIXTURE_TRIPLES + 6)


ENDLESS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r }"


def test_timeout_kills_the_query_and_the_pool_recovers(store: EmbeddedStore, sources: Path) -> None:
    build(store, Resources(sources))

    async def scenario() -> float:
        started = time.monotonic()
        with pytest.raises(QueryTimeout) as caught:
            await store.query(QueryJob(ENDLESS, "json", timeout=1.0))
        elapsed = time.monotonic() - started
        assert "1 s" in caught.value.message and "CLUSTERKG_QUERY_TIMEOUT" in caught.value.message
        after = await store.query(QueryJob("ASK { ?s ?p ?o }", "json", timeout=30.0))
        assert json.loads(after.body)["boolean"] is True
        return elapsed

    assert asyncio.run(scenario()) < 1.5


#: A string doubled 34 times: 128 GiB, asked for within a second.
DOUBLED_STRING = (
    'SELECT (STRLEN(?s34) AS ?n) WHERE { BIND("abcdefgh" AS ?s0) '
    + "".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1}) " for i in range(34))
    + "}"
)


def test_a_query_past_the_memory_cap_is_stopped_and_the_pool_recovers(tmp_path: Path) -> None:
    capped = EmbeddedStore(tmp_path / "data", workers=1, query_memory=512 * 2**20)
    capped.start()
    try:
        with pytest.raises(QueryMemory) as caught:
            asyncio.run(capped.query(QueryJob(DOUBLED_STRING, "json", timeout=30.0)))
        assert "512 MiB" in caught.value.message and "CLUSTERKG_QUERY_MEMORY" in caught.value.message
        assert caught.value.extra == {"limit": "query_memory", "bytes": 512 * 2**20}
        after = asyncio.run(capped.query(QueryJob("ASK {}", "json", timeout=30.0)))
        assert json.loads(after.body)["boolean"] is True
    finally:
        capped.close()


def mixed_sort() -> str:
    """A sort over numbers, booleans and language-tagged strings that makes pyoxigraph's sort abort the
    process ("comparison function does not correctly implement a total order")."""
    shuffle = random.Random(3)
    terms = ["true", "false", *(str(shuffle.randint(0, 3000)) for _ in range(40))]
    terms += [f'"{shuffle.randint(0, 3000)}"@ja' for _ in range(120)]
    shuffle.shuffle(terms)
    return f"SELECT ?o WHERE {{ VALUES ?o {{ {' '.join(terms)} }} }} ORDER BY ?o"


@pytest.mark.parametrize("cap", [512 * 2**20, None], ids=["with a memory cap", "without"])
def test_a_query_the_engine_aborts_on_is_told_as_the_engines_failure_and_the_pool_recovers(
    tmp_path: Path, cap: int | None
) -> None:
    """The abort is not taken for the memory cap: the answer names the engine's own message."""
    store = EmbeddedStore(tmp_path / "data", workers=1, query_memory=cap)
    store.start()
    try:
        try:
            answer = asyncio.run(store.query(QueryJob(mixed_sort(), "json", timeout=30.0)))
        except QueryFailed as failure:
            assert "total order" in failure.message and "STR(?x)" in failure.message
        else:  # an engine that sorts these terms: every one of them is in the answer
            assert answer.count == 162
        after = asyncio.run(store.query(QueryJob("ASK {}", "json", timeout=30.0)))
        assert json.loads(after.body)["boolean"] is True
    finally:
        store.close()


def test_a_job_crosses_the_pipe_whole() -> None:
    """Jobs are bytes on the pipe: text the engine may see (NUL, lone surrogates, non-ASCII) and the
    dataset come out as they went in."""
    job = QueryJob('SELECT ("a\x00é\udc80" AS ?x) {}', "csv", ("urn:g:1", "urn:g:2"), ("urn:n:1",), max_rows=7)
    stream = io.BytesIO(encode_job(42, job) + encode_job(-1, QueryJob("ASK {}", "json")))
    assert read_job(stream) == (42, QueryJob(job.query, "csv", job.default_graphs, job.named_graphs, max_rows=7))
    assert read_job(stream) == (-1, QueryJob("ASK {}", "json"))
    assert read_job(stream) is None


def test_more_queries_than_workers_all_answer_in_turn(store: EmbeddedStore, sources: Path) -> None:
    build(store, Resources(sources))

    async def scenario() -> list[int]:
        jobs = [QueryJob(f"SELECT * {{ ?s ?p ?o }} LIMIT {n}", "json") for n in range(1, 21)]
        answers = await asyncio.gather(*(store.query(job) for job in jobs))
        return [answer.count for answer in answers]

    assert asyncio.run(scenario()) == list(range(1, 21))


def test_a_query_cancelled_while_evaluating_leaves_a_working_pool(store: EmbeddedStore, sources: Path) -> None:
    build(store, Resources(sources))

    async def scenario() -> bool:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(store.query(QueryJob(ENDLESS, "json", timeout=30.0)), 0.5)
        answer = await store.query(QueryJob("ASK {}", "json", timeout=30.0))
        return bool(json.loads(answer.body)["boolean"])

    assert asyncio.run(scenario()) is True


def test_row_limit_truncates(store: EmbeddedStore, sources: Path) -> None:
    build(store, Resources(sources))
    result = store.query_sync(QueryJob("SELECT * WHERE { ?s ?p ?o }", "json", max_rows=5))
    assert result.truncated and result.count == 5
    data = json.loads(result.body)
    assert data["truncated"] is True and len(data["results"]["bindings"]) == 5
    graph = store.query_sync(QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", "ntriples", max_rows=2))
    assert graph.truncated and len(graph.body.decode().strip().splitlines()) == 2


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedStore]:
    """An empty store with one worker: the answers below come from VALUES blocks."""
    embedded = EmbeddedStore(tmp_path_factory.mktemp("pool") / "data", workers=1)
    embedded.start()
    yield embedded
    embedded.close()


def through_pool(store: EmbeddedStore, job: QueryJob) -> QueryResult:
    return asyncio.run(store.query(job))


def solutions_in(body: bytes, fmt: str) -> list[list[str | None]]:
    """The rows of a results document, each term as text (``None`` where unbound)."""
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(body.decode(), newline="")))
        width = len(table[0])  # a row of one empty field is an empty line, read as no field
        return [[cell or None for cell in row] + [None] * (width - len(row)) for row in table[1:]]
    if fmt == "json":  # read with json: pyoxigraph's parser refuses the "truncated" member
        document = json.loads(body)
        names = document["head"]["vars"]
        return [[row[n]["value"] if n in row else None for n in names] for row in document["results"]["bindings"]]
    parsed = parse_query_results(body, format=BY_NAME[fmt].results_format)
    assert isinstance(parsed, QuerySolutions)
    return [[None if term is None else term.value for term in row] for row in parsed]


LIMIT = 5


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("rows", [LIMIT - 1, LIMIT, LIMIT + 1, 3 * LIMIT])
def test_the_row_count_and_the_cut_are_exact_around_the_limit(pool: EmbeddedStore, fmt: str, rows: int) -> None:
    query = f"SELECT ?n ?m WHERE {{ VALUES ?n {{ {' '.join(str(i) for i in range(rows))} }} }} ORDER BY ?n"
    result = through_pool(pool, QueryJob(query, fmt, max_rows=LIMIT))
    sent = min(rows, LIMIT)
    assert (result.count, result.truncated, result.result_format) == (sent, rows > LIMIT, fmt)
    assert solutions_in(result.body, fmt) == [[str(i), None] for i in range(sent)]
    if fmt == "json":
        assert json.loads(result.body).get("truncated", False) is (rows > LIMIT)
    if fmt == "xml":
        assert (b"<!-- truncated" in result.body) is (rows > LIMIT)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_an_answer_larger_than_the_byte_budget_still_answers_whole(pool: EmbeddedStore, fmt: str) -> None:
    long = "長い" * (byte_budget(LIMIT) // 12)  # 6 bytes each: three rows of half the budget each
    query = f'SELECT ?v WHERE {{ VALUES ?k {{ 1 2 3 }} BIND(CONCAT(STR(?k), "{long}") AS ?v) }} ORDER BY ?v'
    result = through_pool(pool, QueryJob(query, fmt, max_rows=LIMIT))
    assert len(result.body) > byte_budget(LIMIT)
    assert (result.count, result.truncated) == (3, False)
    assert solutions_in(result.body, fmt) == [["1" + long], ["2" + long], ["3" + long]]


#: Literals whose characters a writer must escape, or may get wrong: line breaks, quotes, tabs, markup,
#: separators, backslashes, text in several scripts.
AWKWARD_TEXT = [
    'tab\there, "quoted"\nnew line',
    "crlf\r\nand a lone\rreturn",
    "back\\slash and \\n, not a newline",
    "日本語の説明 😀 ünïcödé",
    "<result>&amp;</result>",
    "",
]
SPARQL_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_awkward_literals_round_trip(pool: EmbeddedStore, fmt: str) -> None:
    rows = " ".join(f'({i} "{text.translate(SPARQL_ESCAPES)}")' for i, text in enumerate(AWKWARD_TEXT))
    query = f"SELECT ?v WHERE {{ VALUES (?i ?v) {{ {rows} }} }} ORDER BY ?i"
    result = through_pool(pool, QueryJob(query, fmt, max_rows=LIMIT + 1))
    assert (result.count, result.truncated) == (len(AWKWARD_TEXT), False)
    assert [row[0] or "" for row in solutions_in(result.body, fmt)] == AWKWARD_TEXT


def test_a_second_writer_is_told_the_store_is_locked(store: EmbeddedStore, tmp_path: Path) -> None:
    with pytest.raises(StoreLocked):
        EmbeddedStore(tmp_path / "data", workers=0).start()
    reader = EmbeddedStore(tmp_path / "data", workers=0, read_only=True)
    reader.start()  # read-only access works while the writer holds the store
    reader.close()
