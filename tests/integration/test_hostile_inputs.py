"""A corpus of hostile requests against a real ``clusterkg serve``: each gets its 4xx/503 (never a 5xx stack
trace) within its time, the server's memory stays bounded, and /health answers after every one. The
spellings of SERVICE that try to reach a host are tests/integration/test_ssrf.py's."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import Server, start_server
from test_entry_limits import entity_bomb, nested_arrays, nested_rdfxml

pytestmark = pytest.mark.integration

TOKEN = "token-of-the-default-writer"
TIMEOUT = 3.0
RSS_BOUND_MB = 1500
QUERY_MEMORY_MB = 768
RDF_XML = {"Content-Type": "application/rdf+xml"}
JSON_LD = {"Content-Type": "application/ld+json"}
TURTLE = {"Content-Type": "text/turtle"}
WRITER = {"Authorization": f"Bearer {TOKEN}"}

#: (name, method, path, body, headers, statuses, seconds)
CORPUS: list[tuple[str, str, str, bytes | None, dict[str, str], set[int], float]] = [
    ("entity-bomb-8", "POST", "/validate", entity_bomb(8), RDF_XML, {400}, 1.0),
    ("entity-bomb-9", "POST", "/validate", entity_bomb(9), RDF_XML, {400}, 1.0),
    ("entity-bomb-9-case", "POST", "/cases", entity_bomb(9), {**RDF_XML, **WRITER}, {400}, 1.0),
    ("external-dtd", "POST", "/validate", b'<!DOCTYPE r SYSTEM "file:///etc/passwd"><r/>', RDF_XML, {400}, 1.0),
    ("jsonld-100000-deep", "POST", "/validate", nested_arrays(100_000), JSON_LD, {400}, 2.0),
    ("rdfxml-20000-deep", "POST", "/validate", nested_rdfxml(20_000), RDF_XML, {400}, 2.0),
    ("turtle-list-bomb", "POST", "/validate", b"<urn:x> <urn:p> (" + b" 1" * 300_000 + b" ) .", TURTLE, {400}, 5.0),
    ("entry-too-large", "POST", "/validate", b"#" * 1_000_001, TURTLE, {413}, 2.0),
    ("no-content-type", "POST", "/validate", b"<urn:a> <urn:b> <urn:c> .", {}, {415}, 1.0),
    ("case-id-newline-get", "GET", "/cases/abc%0A", None, {}, {400}, 1.0),
    ("case-id-newline-delete", "DELETE", "/cases/abc%0A", None, WRITER, {400}, 1.0),
    ("case-without-token", "POST", "/cases", b"<urn:a> <urn:b> <urn:c> .", TURTLE, {401}, 1.0),
    ("delete-with-bad-token", "DELETE", "/cases/abc", None, {"Authorization": "Bearer wrong-token-x"}, {403}, 1.0),
    ("trace", "TRACE", "/sparql", None, {}, {405}, 1.0),
    ("path-traversal", "GET", "/static/..%2F..%2Fconfig.py", None, {}, {404}, 1.0),
    ("update-as-query", "GET", "/sparql?query=DROP%20ALL", None, {}, {400, 403}, 1.0),
    (
        "update-form",
        "POST",
        "/sparql",
        b"update=DROP%20ALL",
        {"Content-Type": "application/x-www-form-urlencoded"},
        {403},
        1.0,
    ),
    (
        "service-loopback",
        "GET",
        "/sparql?query=SELECT%20*%20%7BSERVICE%20%3Chttp%3A%2F%2F127.0.0.1%3A1%2F%3E%20%7B%3Fs%20%3Fp%20%3Fo%7D%7D",
        None,
        {},
        {403},
        1.0,
    ),
    (
        "file-iri",
        "GET",
        "/sparql?query=SELECT%20*%20FROM%20%3Cfile%3A%2F%2F%2Fetc%2Fpasswd%3E%20%7B%3Fs%20%3Fp%20%3Fo%7D",
        None,
        {},
        {403},
        1.0,
    ),
    ("bad-dataset-iri", "GET", "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", None, {}, {400}, 1.0),
    (
        "query-too-long",
        "POST",
        "/sparql",
        b"ASK {}" + b" " * 100_001,
        {"Content-Type": "application/sparql-query"},
        {413},
        1.0,
    ),
    (
        "cross-join-timeout",
        "GET",
        "/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20%7B%3Fa%20%3Fb%20%3Fc%20.%20%3Fd%20%3Fe%20%3Ff%20.%20%3Fg%20%3Fh%20%3Fi%7D",
        None,
        {},
        {503},
        TIMEOUT + 3,
    ),
    # deep nesting in queries: refused before any parser sees it
    (
        "braces-10000",
        "POST",
        "/sparql",
        b"SELECT * WHERE " + b"{" * 10_000 + b"}" * 10_000,
        {"Content-Type": "application/sparql-query"},
        {400},
        10.0,
    ),
    (
        "parentheses-30000",
        "POST",
        "/sparql",
        b"SELECT * WHERE { FILTER(" + b"(" * 30_000 + b"1" + b")" * 30_000 + b") }",
        {"Content-Type": "application/sparql-query"},
        {400},
        10.0,
    ),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("hostile")
    env = {
        "CLUSTERKG_DATA_DIR": str(root / "data"),
        "CLUSTERKG_QUERY_WORKERS": "1",
        "CLUSTERKG_QUERY_TIMEOUT": str(TIMEOUT),
        "CLUSTERKG_WRITE_TOKEN": TOKEN,
        "CLUSTERKG_QUERY_MEMORY": f"{QUERY_MEMORY_MB}M",
    }
    for server in start_server(env=env, log=root / "server.log"):
        # the first entry loads the ontology and shapes: not a cost of the hostile ones
        httpx.post(server.url + "/validate", content=b"<urn:a> <urn:b> <urn:c> .", headers=TURTLE, timeout=60)
        yield server


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "headers", "statuses", "seconds"), CORPUS, ids=[c[0] for c in CORPUS]
)
def test_a_hostile_request_is_refused_in_time_and_the_service_still_answers(
    server: Server,
    *,
    name: str,
    method: str,
    path: str,
    body: bytes | None,
    headers: dict[str, str],
    statuses: set[int],
    seconds: float,
) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        started = time.monotonic()
        response = http.request(method, path, content=body, headers=headers)
        elapsed = time.monotonic() - started
        assert response.status_code in statuses, response.text[:300]
        assert response.headers["content-type"].startswith("application/json")
        assert "error" in response.json()
        assert elapsed < seconds, f"{name} took {elapsed:.1f} s"
        assert http.get("/health").status_code == 200
    assert peak_rss_mb(server.process.pid) < RSS_BOUND_MB


#: Queries that ask for more memory than a worker may have, quickly: a string doubled 34 times (128 GiB),
#: and the cross product of the store with itself, sorted (the attack run's 400 MB/s).
#: Each with the errors it may end in (the cross product may reach the timeout before the cap).
MEMORY_BOMBS = {
    "doubled-string": (
        'SELECT (STRLEN(?s34) AS ?n) WHERE { BIND("abcdefgh" AS ?s0) '
        + "".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1}) " for i in range(34))
        + "}",
        {"query_memory"},
    ),
    "sorted-cross-product": (
        "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d",
        {"query_memory", "query_timeout"},
    ),
}


def worker_pids(server_pid: int) -> list[int]:
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    return [int(pid) for pid in children]


@pytest.mark.parametrize(("query", "codes"), MEMORY_BOMBS.values(), ids=MEMORY_BOMBS.keys())
def test_a_query_that_needs_too_much_memory_is_stopped_at_the_cap(server: Server, query: str, codes: set[str]) -> None:
    with httpx.Client(base_url=server.url, timeout=60) as http:
        response = http.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 503, response.text[:300]
        error = response.json()
        assert error["error"] in codes
        if error["error"] == "query_memory":
            assert error["bytes"] == QUERY_MEMORY_MB * 2**20
            assert "CLUSTERKG_QUERY_MEMORY" in error["message"] and f"{QUERY_MEMORY_MB} MiB" in error["message"]
        health = http.get("/health", timeout=1.0)
        assert health.status_code == 200
        answer = http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/json"})
        assert answer.json()["boolean"] is True
    for pid in worker_pids(server.process.pid):
        assert peak_rss_mb(pid) < QUERY_MEMORY_MB, f"query worker {pid} grew past the cap"
