"""Submitting cases: only with a valid bearer token; a conforming entry is stored in its own named graph with
its provenance and is visible to /sparql and the canned queries at once; a non-conforming one is refused
with its report and changes nothing; cases can be listed, fetched as RDF and deleted; they survive a restart;
50 submissions sent in parallel to a running server are all stored, none partially."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from clusterkg.app import create_app
from clusterkg.config import Settings
from clusterkg.entries.auth import Writer, Writers, read_token_file
from clusterkg.entries.cases import Cases, check_case_id, content_hash, insert_update
from clusterkg.entries.jsonld import build_context
from clusterkg.entries.reading import format_named, read_entry
from clusterkg.entries.validation import EntryValidator
from clusterkg.entries.vocabulary import Vocabulary
from clusterkg.errors import BadParameter, EntryRejected
from clusterkg.namespaces import CASES_GRAPHS
from clusterkg.sources import locate
from clusterkg.store import open_store
from clusterkg.store.base import QueryJob, QueryResult
from clusterkg.store.embedded import EmbeddedStore
from clusterkg.store.evaluate import evaluate
from conftest import start_server

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "data" / "examples" / "cases"
EXAMPLE = (CASES / "valid" / "example-valley.ttl").read_text(encoding="utf-8")
TOKEN = "token-of-the-default-writer"
ALICE = "token-of-alice-0123"
BOB = "token-of-bob-4567"
ROOT = "token-of-the-administrator"
TURTLE = {"Content-Type": "text/turtle"}
ID = "https://w3id.org/clusterkg/id/"
PROVENANCE_TRIPLES = 8  # type, two labels, time, submitter, hash, format, graph (+ one hasPart per resource)


def variant(name: str, text: str = EXAMPLE) -> str:
    """The example case with resources of its own (``ckcl:example-valley`` -> ``ckcl:<name>-valley``...)."""
    return text.replace("example-", f"{name}-")


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def settings(data_dir: Path, **extra: Any) -> Settings:
    return Settings(data_dir=data_dir, query_workers=1, **extra)


@pytest.fixture(scope="module")
def token_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tokens") / "tokens.txt"
    path.write_text(f"# writers\nalice:{ALICE}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, token_file: Path) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("cases") / "data"
    app = create_app(settings(data_dir, write_token=TOKEN, token_file=token_file))
    with TestClient(app) as the_client:
        yield the_client


def quads(client: TestClient) -> int:
    body = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}).json()
    return int(body["results"]["bindings"][0]["n"]["value"])


def ask(client: TestClient, query: str) -> bool:
    return bool(
        client.get("/sparql", params={"query": query}, headers={"Accept": "application/json"}).json()["boolean"]
    )


# --- who may write --------------------------------------------------------------------------------------


def test_a_write_without_a_token_is_401_with_a_bearer_challenge(client: TestClient) -> None:
    response = client.post("/cases", content=variant("no-token"), headers=TURTLE)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize("header", ["Bearer not-the-token", "Bearer " + TOKEN + "x", "Basic " + TOKEN, "Bearer"])
def test_a_write_with_a_wrong_token_is_refused(client: TestClient, header: str) -> None:
    response = client.post("/cases", content=variant("wrong-token"), headers={**TURTLE, "Authorization": header})
    assert response.status_code in (401, 403)
    assert response.json()["error"] in ("unauthorized", "invalid_token")


def test_a_delete_without_a_valid_token_is_refused(client: TestClient) -> None:
    assert client.delete("/cases/whatever-0000").status_code == 401
    assert client.delete("/cases/whatever-0000", headers=auth("wrong-wrong-wrong")).status_code == 403


def test_writes_are_disabled_when_no_token_is_configured(tmp_path: Path) -> None:
    with TestClient(create_app(settings(tmp_path / "data"))) as no_writes:
        response = no_writes.post("/cases", content=EXAMPLE, headers={**TURTLE, **auth()})
        assert (response.status_code, response.json()["error"]) == (403, "writes_disabled")
        assert no_writes.post("/validate", content=EXAMPLE, headers=TURTLE).json()["conforms"] is True


def test_token_files_are_json_or_name_token_lines(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(json.dumps({"alice": ALICE, "bob": "token-of-bob-999"}))
    (tmp_path / "t.txt").write_text(f"alice: {ALICE}\n\n# comment\nbob:token-of-bob-999\n")
    assert read_token_file(tmp_path / "t.json") == read_token_file(tmp_path / "t.txt")
    writers = Writers.from_settings(Settings(token_file=tmp_path / "t.txt", write_token=TOKEN))
    assert [writers.authorise(f"Bearer {t}") for t in (ALICE, "token-of-bob-999", TOKEN)] == ["alice", "bob", "default"]


def test_short_tokens_are_refused_at_start(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="shorter"):
        Writers({"alice": "short"})


# --- submitting ---------------------------------------------------------------------------------------


def test_a_conforming_case_is_stored_with_its_provenance_and_seen_at_once(client: TestClient) -> None:
    before = quads(client)
    response = client.post("/cases", content=variant("stored"), headers={**TURTLE, **auth(ALICE)})
    assert response.status_code == 201, response.text
    record = response.json()
    assert re.fullmatch(r"stored-valley-[0-9a-f]{8}", record["id"])
    assert response.headers["Location"] == f"/cases/{record['id']}"
    assert record["graph"] == f"https://w3id.org/clusterkg/graph/cases/{record['id']}"
    assert record["iri"] == f"{ID}case-entry/{record['id']}"
    assert record["submitter"] == "alice"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z", record["received"])
    assert ID + "agglomeration/stored-valley" in record["resources"]
    assert record["report"]["conforms"] is True
    entry = read_entry(variant("stored").encode(), format_named("turtle"))
    assert record["sha256"] == content_hash(entry)
    assert quads(client) == before + len(entry) + PROVENANCE_TRIPLES + len(record["resources"])
    # visible to SPARQL in the case's graph and in the default (union) graph
    assert ask(client, f"ASK {{ GRAPH <{record['graph']}> {{ <{ID}agglomeration/stored-valley> a ?t }} }}")
    assert ask(client, f"ASK {{ <{ID}obs/stored-valley-association-members-2024-04-01-companies> ?p 42 }}")
    # and to a canned query
    canned = client.get("/queries/clusters-by-country", params={"country": ID + "place/japan", "format": "json"})
    assert canned.status_code == 200, canned.text
    assert f"{ID}agglomeration/stored-valley" in canned.text


def test_a_stored_case_is_listed_and_fetched_as_turtle_or_json_ld(client: TestClient) -> None:
    record = client.post("/cases", content=variant("fetched"), headers={**TURTLE, **auth()}).json()
    listed = {case["id"]: case for case in client.get("/cases").json()["cases"]}
    assert listed[record["id"]] == {key: value for key, value in record.items() if key != "report"}
    turtle = client.get(f"/cases/{record['id']}", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    jsonld = client.get(f"/cases/{record['id']}", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    from_turtle = Graph().parse(data=turtle.text, format="turtle")
    assert isomorphic(from_turtle, Graph().parse(data=jsonld.text, format="json-ld"))
    case = URIRef(record["iri"])
    entry_part = Graph()
    for triple in from_turtle:
        if triple[0] != case:
            entry_part.add(triple)
    assert isomorphic(entry_part, Graph().parse(data=variant("fetched"), format="turtle"))
    assert str(from_turtle.value(case, URIRef("https://w3id.org/clusterkg/meta#sha256"))) == record["sha256"]


def test_the_content_hash_does_not_depend_on_the_serialisation() -> None:
    context = build_context(Vocabulary.load(locate()))
    hashes = {
        content_hash(read_entry((CASES / "valid" / name).read_bytes(), format_named(fmt), context))
        for name, fmt in (("example-valley.ttl", "turtle"), ("example-valley.jsonld", "jsonld"))
    }
    assert len(hashes) == 1


def test_a_json_ld_case_in_plain_json_is_accepted(client: TestClient) -> None:
    body = variant("json", (CASES / "valid" / "example-valley.jsonld").read_text(encoding="utf-8"))
    response = client.post("/cases", content=body, headers={"Content-Type": "application/ld+json", **auth()})
    assert response.status_code == 201, response.text
    assert response.json()["format"] == "application/ld+json"


@pytest.mark.parametrize("path", sorted((CASES / "invalid").glob("*.ttl")), ids=lambda p: p.name)
def test_a_non_conforming_case_is_refused_with_its_report_and_nothing_changes(client: TestClient, path: Path) -> None:
    before, cases = quads(client), client.get("/cases").json()
    response = client.post("/cases", content=path.read_bytes(), headers={**TURTLE, **auth()})
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "entry_invalid"
    assert body["report"]["conforms"] is False
    assert body["report"]["violations"] >= 1
    assert quads(client) == before
    assert client.get("/cases").json() == cases


def test_a_case_whose_resources_are_already_stored_is_refused(client: TestClient) -> None:
    assert client.post("/cases", content=variant("twice"), headers={**TURTLE, **auth()}).status_code == 201
    again = client.post("/cases", content=variant("twice"), headers={**TURTLE, **auth()})
    assert again.status_code == 422
    shapes = {r["sourceShape"] for r in again.json()["report"]["results"]}
    assert shapes == {"https://w3id.org/clusterkg/shapes/entry#ExistingResource"}


@pytest.mark.parametrize(
    ("body", "headers", "status", "error"),
    [
        (b"@prefix ckg: <https://w3id.org/clusterkg/ont#> .\nckg:a ckg:b", TURTLE, 400, "entry_syntax"),
        (EXAMPLE.encode(), {"Content-Type": "text/csv"}, 415, "unsupported_media_type"),
        (EXAMPLE.encode(), {}, 415, "unsupported_media_type"),
        (b"#" * 1_000_001, TURTLE, 413, "payload_too_large"),
    ],
)
def test_unreadable_entries_are_refused_before_validation(
    client: TestClient, body: bytes, headers: dict[str, str], status: int, error: str
) -> None:
    for path in ("/validate", "/cases"):
        response = client.post(path, content=body, headers={**headers, **auth()})
        assert (response.status_code, response.json()["error"]) == (status, error)
    if status == 400:
        assert (response.json()["line"], response.json()["column"]) == (2, 12)


def test_validating_stores_nothing(client: TestClient) -> None:
    before = quads(client)
    response = client.post("/validate", content=variant("only-validated"), headers=TURTLE)
    assert response.json()["conforms"] is True
    assert quads(client) == before
    assert not ask(client, f"ASK {{ <{ID}agglomeration/only-validated-valley> ?p ?o }}")


def test_a_case_is_deleted_with_its_whole_graph(client: TestClient) -> None:
    record = client.post("/cases", content=variant("deleted"), headers={**TURTLE, **auth()}).json()
    assert client.delete(f"/cases/{record['id']}", headers=auth()).status_code == 204
    assert client.get(f"/cases/{record['id']}").status_code == 404
    assert not ask(client, f"ASK {{ GRAPH <{record['graph']}> {{ ?s ?p ?o }} }}")
    assert record["id"] not in {case["id"] for case in client.get("/cases").json()["cases"]}
    assert client.delete(f"/cases/{record['id']}", headers=auth()).status_code == 404
    # its resources are new again: the same entry can be submitted once more
    assert client.post("/cases", content=variant("deleted"), headers={**TURTLE, **auth()}).status_code == 201


def test_a_case_id_is_checked(client: TestClient) -> None:
    assert client.get("/cases/no-such-case-0000").status_code == 404
    assert client.get("/cases/Not%20An%20Id").status_code == 400


@pytest.mark.parametrize("case_id", ["abc%0A", "abc%0D", "abc%0A%0A", "%0Aabc", "abc%00", "-abc", "a" * 81])
def test_a_case_id_with_a_newline_or_other_character_is_400_not_500(client: TestClient, case_id: str) -> None:
    for response in (client.get(f"/cases/{case_id}"), client.delete(f"/cases/{case_id}", headers=auth())):
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "bad_parameter"


def test_check_case_id_does_not_take_a_final_newline() -> None:
    assert check_case_id("abc") == "abc"
    with pytest.raises(BadParameter):
        check_case_id("abc\n")


# --- whose case --------------------------------------------------------------------------------------


def test_a_writer_cannot_delete_another_writers_case(client: TestClient) -> None:
    record = client.post("/cases", content=variant("alices"), headers={**TURTLE, **auth(ALICE)}).json()
    refused = client.delete(f"/cases/{record['id']}", headers=auth())  # the writer "default"
    assert refused.status_code == 403
    assert refused.json()["error"] == "not_owner"
    assert record["id"] in refused.json()["message"]
    assert client.get(f"/cases/{record['id']}").status_code == 200
    assert client.delete(f"/cases/{record['id']}", headers=auth(ALICE)).status_code == 204


def test_an_administrator_may_delete_any_case(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    tokens.write_text(json.dumps({"alice": ALICE, "bob": BOB, "root": {"token": ROOT, "role": "admin"}}))
    with TestClient(create_app(settings(tmp_path / "data", token_file=tokens))) as admin_client:
        record = admin_client.post("/cases", content=variant("owned"), headers={**TURTLE, **auth(ALICE)}).json()
        assert admin_client.delete(f"/cases/{record['id']}", headers=auth(BOB)).status_code == 403
        assert admin_client.delete(f"/cases/{record['id']}", headers=auth(ROOT)).status_code == 204
        assert admin_client.get(f"/cases/{record['id']}").status_code == 404


def test_token_files_name_administrators_in_json_or_lines(tmp_path: Path) -> None:
    (tmp_path / "t.json").write_text(json.dumps({"alice": ALICE, "root": {"token": ROOT, "role": "admin"}}))
    (tmp_path / "t.txt").write_text(f"alice:{ALICE}\nroot:{ROOT} admin\n")
    for name in ("t.json", "t.txt"):
        writers = Writers.from_settings(Settings(token_file=tmp_path / name))
        assert writers.identify(f"Bearer {ALICE}") == Writer("alice", admin=False)
        assert writers.identify(f"Bearer {ROOT}") == Writer("root", admin=True)
    (tmp_path / "bad.txt").write_text(f"root:{ROOT} superuser\n")
    with pytest.raises(ValueError, match="line 1"):
        read_token_file(tmp_path / "bad.txt")


def test_the_update_text_escapes_what_sparql_needs_escaped() -> None:
    nasty = 'quote " backslash \\ newline \n tab \t brace } angle > unicode 東京 \U0001f600'
    text = f'@prefix ckg: <https://w3id.org/clusterkg/ont#> .\n<{ID}org/x> ckg:description """{nasty.replace(chr(92), chr(92) * 2)}"""@ja .'
    entry = read_entry(text.encode(), format_named("turtle"))
    update = insert_update("https://w3id.org/clusterkg/graph/cases/x-00000000", list(entry.triples))
    import pyoxigraph

    store = pyoxigraph.Store()
    store.update(update)
    [quad] = list(store)
    assert quad.object.value == nasty
    assert quad.graph_name.value == "https://w3id.org/clusterkg/graph/cases/x-00000000"


def test_the_write_happens_only_if_the_resources_are_still_new() -> None:
    import pyoxigraph

    entry = read_entry(variant("raced").encode(), format_named("turtle"))
    resources = tuple(sorted({t.subject.value for t in entry.triples if isinstance(t.subject, pyoxigraph.NamedNode)}))
    store = pyoxigraph.Store()
    graph = "https://w3id.org/clusterkg/graph/cases/raced-valley-00000001"
    store.update(insert_update(graph, list(entry.triples), resources))
    assert len(store) == len(entry)
    store.update(insert_update(graph.replace("1", "2"), list(entry.triples), resources))  # same resources again
    assert len(store) == len(entry)
    assert {g.value for g in store.named_graphs()} == {graph}


# --- restart and parallel submissions -------------------------------------------------------------------


def test_accepted_cases_survive_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with TestClient(create_app(settings(data_dir, write_token=TOKEN))) as first:
        record = first.post("/cases", content=variant("lasting"), headers={**TURTLE, **auth()}).json()
        graph = first.get(f"/cases/{record['id']}", headers={"Accept": "application/n-triples"}).text
    with TestClient(create_app(settings(data_dir, write_token=TOKEN))) as second:
        assert [case["id"] for case in second.get("/cases").json()["cases"]] == [record["id"]]
        again = second.get(f"/cases/{record['id']}", headers={"Accept": "application/n-triples"}).text
        assert isomorphic(Graph().parse(data=graph, format="nt"), Graph().parse(data=again, format="nt"))
        assert ask(second, f"ASK {{ <{ID}agglomeration/lasting-valley> ?p ?o }}")


PARALLEL = 50


@contextmanager
def running(env: dict[str, str], log: Path) -> Iterator[Any]:
    """``clusterkg serve`` in a subprocess for the duration of the block."""
    run = start_server(env=env, log=log)
    server = next(run)
    try:
        yield server
    finally:
        run.close()  # stops the server


@pytest.mark.integration
def test_parallel_submissions_are_all_stored_whole_and_survive_a_restart(tmp_path: Path) -> None:
    env = {"CLUSTERKG_DATA_DIR": str(tmp_path / "data"), "CLUSTERKG_WRITE_TOKEN": TOKEN, "CLUSTERKG_QUERY_WORKERS": "1"}
    entries = [variant(f"parallel{i}") for i in range(PARALLEL)]
    size = len(read_entry(entries[0].encode(), format_named("turtle"))) + PROVENANCE_TRIPLES + 10  # 10 resources
    with running(env, tmp_path / "first.log") as server, httpx.Client(base_url=server.url, timeout=300) as http:
        with ThreadPoolExecutor(PARALLEL) as pool:
            responses = list(pool.map(lambda e: http.post("/cases", content=e, headers={**TURTLE, **auth()}), entries))
        failed = [r.text for r in responses if r.status_code != 201]
        assert not failed, failed[:2]
        stored = graph_sizes(http)
    assert set(stored) == {r.json()["id"] for r in responses}
    assert set(stored.values()) == {size}, "a case was stored partially"
    with running(env, tmp_path / "second.log") as server, httpx.Client(base_url=server.url, timeout=60) as http:
        assert graph_sizes(http) == stored
        assert len(http.get("/cases").json()["cases"]) == PARALLEL


def graph_sizes(http: httpx.Client) -> dict[str, int]:
    query = (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        'FILTER(STRSTARTS(STR(?g), "https://w3id.org/clusterkg/graph/cases/")) } GROUP BY ?g'
    )
    rows = http.get("/sparql", params={"query": query}, headers={"Accept": "application/json"}).json()
    prefix = "https://w3id.org/clusterkg/graph/cases/"
    return {row["g"]["value"][len(prefix) :]: int(row["n"]["value"]) for row in rows["results"]["bindings"]}


# --- what the answer says is what was stored ---------------------------------------------------------


class LaggingReads:
    """An embedded store whose reads show the data as it was before the last write, as a read-only view
    that has not been reopened yet does."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.inner = store
        self._lag()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def _lag(self) -> None:
        self.view = pyoxigraph.Store()
        self.view.extend(list(self.inner.store))

    def query_sync(self, job: QueryJob) -> QueryResult:
        return evaluate(self.view, job)

    def write_case(self, graph: str, triples: Any, new: Any) -> bool:
        self._lag()
        written: bool = self.inner.write_case(graph, triples, new)
        return written

    def update(self, sparql_update: str) -> None:
        self._lag()
        self.inner.update(sparql_update)


def test_a_stored_case_is_answered_as_stored_even_when_reads_lag_behind_the_write(tmp_path: Path) -> None:
    validator = EntryValidator.load(locate())
    inner = open_store(settings(tmp_path / "data"), update_from_sources=True)
    assert isinstance(inner, EmbeddedStore)
    try:
        cases = Cases(LaggingReads(inner), validator)  # type: ignore[arg-type]
        entry = read_entry(variant("lagging").encode(), format_named("turtle"))
        record, report = cases.submit(entry, "alice")
        assert report.conforms
        assert CASES_GRAPHS + record.id in inner.graph_names()
        # the same resources again: validation reads the lagging view and passes, the write refuses
        with pytest.raises(EntryRejected, match="nothing was stored"):
            cases.submit(entry, "alice")
        assert [g for g in inner.graph_names() if g.startswith(CASES_GRAPHS)] == [CASES_GRAPHS + record.id]
    finally:
        inner.close()
