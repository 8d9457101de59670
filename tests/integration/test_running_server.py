"""A real ``clusterkg serve`` process, queried by real clients: SPARQLWrapper in every format, and curl."""

from __future__ import annotations

import json
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from xml.dom.minidom import Document

import pytest
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from conftest import Server, start_server, write_sources

pytestmark = pytest.mark.integration

TIMEOUT = 2.0
LABELS = "SELECT ?c ?label WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
CONSTRUCT = "CONSTRUCT WHERE { ?c a <https://w3id.org/clusterkg/ont#Cluster> }"
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?p ?q ?r }"


def generated_graph(triples: int) -> str:
    return "".join(
        f"<https://w3id.org/clusterkg/id/gen/{i}> <https://w3id.org/clusterkg/ont#n> {i} .\n" for i in range(triples)
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("server")
    sources = write_sources(root / "src")
    (sources / "data/ttl/generated.ttl").write_text(generated_graph(200), encoding="utf-8")
    env = {
        "CLUSTERKG_DATA_DIR": str(root / "data"),
        "CLUSTERKG_SOURCE_DIR": str(sources),
        "CLUSTERKG_QUERY_TIMEOUT": str(TIMEOUT),
        "CLUSTERKG_QUERY_WORKERS": "2",
    }
    yield from start_server(env=env, log=root / "server.log")


def wrapper(server: Server, query: str, fmt: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def curl(*args: str) -> tuple[int, bytes]:
    """``curl`` with the status code appended after a newline."""
    done = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", *args], capture_output=True, timeout=60, check=True)
    body, _, status = done.stdout.rpartition(b"\n")
    return int(status), body


def test_sparqlwrapper_json(server: Server) -> None:
    result = wrapper(server, LABELS, JSON).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    rows = result.convert()["results"]["bindings"]  # type: ignore[index]
    assert [r["label"]["value"] for r in rows][:3] == ["Cluster", 'Kyushu, "Silicon Island"', "TAMA"]


def test_sparqlwrapper_xml(server: Server) -> None:
    document = wrapper(server, LABELS, XML).query().convert()
    assert isinstance(document, Document)
    assert len(document.getElementsByTagName("result")) == 5


@pytest.mark.parametrize(("fmt", "header"), [(CSV, b"c,label\r\n"), (TSV, b"?c\t?label\n")])
def test_sparqlwrapper_csv_tsv(server: Server, fmt: str, header: bytes) -> None:
    body = wrapper(server, LABELS, fmt).query().convert()
    assert isinstance(body, bytes) and body.startswith(header)
    assert len(body.splitlines()) == 6


def test_sparqlwrapper_ask(server: Server) -> None:
    assert wrapper(server, "ASK { ?s ?p ?o }", JSON).query().convert() == {"head": {}, "boolean": True}
    document = wrapper(server, "ASK { <http://e/none> ?p ?o }", XML).query().convert()
    assert isinstance(document, Document)
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "false"  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", [TURTLE, N3])
def test_sparqlwrapper_turtle(server: Server, fmt: str) -> None:
    result = wrapper(server, CONSTRUCT, fmt).query()
    assert result.response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=result.convert(), format="turtle")  # type: ignore[arg-type]
    assert len(graph) == 3


@pytest.mark.parametrize("fmt", [JSONLD, RDFXML, XML])
def test_sparqlwrapper_graph_formats(server: Server, fmt: str) -> None:
    graph = wrapper(server, CONSTRUCT, fmt).query().convert()
    assert isinstance(graph, Graph)
    assert len(graph) == 3


def test_curl_get_and_post(server: Server) -> None:
    status, body = curl(f"{server.url}/sparql?query=SELECT%20(COUNT(*)%20AS%20%3Fn)%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D")
    assert status == 200 and int(json.loads(body)["results"]["bindings"][0]["n"]["value"]) > 200
    status, body = curl("-H", "Accept: text/csv", "--data-urlencode", f"query={LABELS}", f"{server.url}/sparql")
    assert status == 200 and body.startswith(b"c,label\r\n")
    status, body = curl(
        "-H", "Content-Type: application/sparql-query", "-H", "Accept: application/n-triples",
        "--data-binary", CONSTRUCT, f"{server.url}/sparql",
    )  # fmt: skip
    assert status == 200 and len(body.splitlines()) == 3


def test_curl_syntax_error_has_line_and_column(server: Server) -> None:
    status, body = curl("--data-urlencode", "query=SELECT *\nWHERE { ?s ?p }", f"{server.url}/sparql")
    assert status == 400
    error = json.loads(body)
    assert error["error"] == "query_syntax" and error["line"] == 2 and error["column"] > 0


def test_curl_update_is_403(server: Server) -> None:
    status, body = curl(
        "-H", "Content-Type: application/sparql-update", "--data-binary", "DROP ALL", f"{server.url}/sparql"
    )
    assert status == 403 and json.loads(body)["error"] == "update_forbidden"
    status, body = curl("--data-urlencode", "update=DROP ALL", f"{server.url}/sparql")
    assert status == 403


def test_endless_query_is_stopped_while_health_answers(server: Server) -> None:
    outcome: dict[str, object] = {}

    def endless() -> None:
        started = time.monotonic()
        outcome["status"], outcome["body"] = curl("--data-urlencode", f"query={ENDLESS}", f"{server.url}/sparql")
        outcome["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=endless)
    thread.start()
    time.sleep(0.5)
    health_started = time.monotonic()
    with urllib.request.urlopen(server.url + "/health", timeout=5) as response:
        assert json.load(response)["status"] == "ok"
    assert time.monotonic() - health_started < 0.5
    other = wrapper(server, "ASK { ?s ?p ?o }", JSON).query().convert()
    assert other == {"head": {}, "boolean": True}  # the other worker keeps serving
    thread.join(timeout=30)
    assert outcome["status"] == 503
    error = json.loads(outcome["body"])  # type: ignore[arg-type]
    assert error["error"] == "query_timeout" and "CLUSTERKG_QUERY_TIMEOUT" in error["message"]
    assert outcome["elapsed"] < 1.5 * TIMEOUT  # type: ignore[operator]
    assert wrapper(server, "ASK { ?s ?p ?o }", JSON).query().convert()["boolean"] is True  # type: ignore[index]


def test_access_log_lines(server: Server) -> None:
    log = Path(server.log).read_text(encoding="utf-8")
    assert any(line.endswith("ms") and " GET /health 200 " in line for line in log.splitlines())
