"""The service in front of a real Oxigraph server gives the same answers as the embedded store.

Oxigraph (``pip install oxigraph``) serves with ``--union-default-graph``, as the README asks of any
remote server; ``clusterkg build --endpoint`` loads the repository's sources into it.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, Server, clusterkg, free_port, oxigraph_server, start_server

pytestmark = pytest.mark.integration

QUERIES = [
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
    "FILTER(isIRI(?s) && LANG(?label) = 'en') } ORDER BY ?s ?label",
    "ASK { ?s a <http://www.w3.org/2002/07/owl#Ontology> }",
    # Comments naming update operations ("moved", "added") leave a query a query.
    "# Statuses: the stage moved from and to;\n# what was added later.\nSELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "db") as base:
        yield base


@pytest.fixture(scope="module")
def loaded(oxigraph: str) -> str:
    result = clusterkg("build", "--endpoint", oxigraph + "/query")
    assert result.returncode == 0, result.stderr
    assert "0 unchanged" in result.stdout
    return oxigraph


@pytest.fixture(scope="module")
def remote_service(loaded: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("remote-service")
    env = {"CLUSTERKG_SPARQL_ENDPOINT": loaded + "/query", "CLUSTERKG_QUERY_TIMEOUT": "10"}
    yield from start_server(env=env, log=root / "server.log")


@pytest.fixture(scope="module")
def embedded_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("embedded-service")
    env = {"CLUSTERKG_DATA_DIR": str(root / "data"), "CLUSTERKG_QUERY_TIMEOUT": "10"}
    yield from start_server(env=env, log=root / "server.log")


def ask(server: Server, query: str, accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    request = urllib.request.Request(
        server.url + "/sparql",
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": accept},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_sources_exist() -> None:
    assert list((REPO / "ontology").glob("*.ttl")), "the repository has no ontology file to load"


@pytest.mark.parametrize("query", QUERIES)
def test_same_answers_as_the_embedded_store(remote_service: Server, embedded_service: Server, query: str) -> None:
    remote = ask(remote_service, query)
    embedded = ask(embedded_service, query)
    assert remote[0] == embedded[0] == 200
    assert json.loads(remote[1]) == json.loads(embedded[1])


@pytest.mark.parametrize("accept", ["text/csv", "text/tab-separated-values", "application/sparql-results+xml"])
def test_same_bytes_in_other_formats(remote_service: Server, embedded_service: Server, accept: str) -> None:
    assert ask(remote_service, QUERIES[0], accept) == ask(embedded_service, QUERIES[0], accept)


def test_construct_through_the_remote_store(remote_service: Server) -> None:
    query = "CONSTRUCT WHERE { ?o a <http://www.w3.org/2002/07/owl#Ontology> }"
    status, body = ask(remote_service, query, "application/n-triples")
    assert status == 200 and body.count(b"\n") >= 1


def test_remote_syntax_error_is_400_with_position(remote_service: Server) -> None:
    status, body = ask(remote_service, "SELECT * WHERE {\n ?s ?p }")
    assert status == 400
    error = json.loads(body)
    assert error["error"] == "query_syntax" and error["line"] == 2


def test_remote_refuses_updates(remote_service: Server) -> None:
    assert ask(remote_service, "DROP ALL")[0] == 403


def test_remote_health(remote_service: Server) -> None:
    with urllib.request.urlopen(remote_service.url + "/health", timeout=10) as response:
        body = json.load(response)
    assert body["store"]["reachable"] is True and body["store"]["triples"] > 0
    assert "remote endpoint" in body["store"]["description"]


def test_remote_rebuild_is_incremental_and_gsp_upload_works(loaded: str) -> None:
    again = clusterkg("build", "--endpoint", loaded + "/query")
    assert again.returncode == 0 and " 0 loaded" in again.stdout, again.stdout + again.stderr
    before = again.stdout.rsplit(";", 1)[1]
    forced = clusterkg("build", "--endpoint", loaded + "/query", "--gsp-endpoint", loaded + "/store", "--force")
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.rsplit(";", 1)[1] == before  # same number of triples after replacing every graph


def test_unreachable_endpoint_is_reported(tmp_path: Path) -> None:
    result = clusterkg("sparql", "ASK {}", "--endpoint", f"http://127.0.0.1:{free_port()}/query")
    assert result.returncode == 1
    assert "store_unavailable" in result.stderr


def test_environment_is_clean() -> None:
    assert "CLUSTERKG_SPARQL_ENDPOINT" not in os.environ


def test_a_server_without_the_union_default_graph_is_refused_at_start(tmp_path: Path) -> None:
    from conftest import VENV_BIN, stop, wait_for_http

    port = free_port()
    command = [str(VENV_BIN / "oxigraph"), "serve", "--location", str(tmp_path / "db"), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/query?query=ASK%7B%7D", process)
        assert clusterkg("build", "--endpoint", base + "/query").returncode == 0
        result = clusterkg("sparql", "ASK {}", "--endpoint", base + "/query")
    finally:
        stop(process)
    assert result.returncode == 1
    assert "remote_misconfigured" in result.stderr and "--union-default-graph" in result.stderr


def test_dumps_of_the_remote_store_hold_every_quad(remote_service: Server, embedded_service: Server) -> None:
    def lines(server: Server) -> int:
        with urllib.request.urlopen(server.url + "/dump.nq", timeout=120) as response:
            assert response.status == 200
            return response.read().count(b"\n")

    assert lines(remote_service) == lines(embedded_service)


def test_load_and_unload_on_the_remote_server(loaded: str, tmp_path: Path) -> None:
    graph = "https://w3id.org/clusterkg/graph/import/sample"
    source = tmp_path / "sample.ttl"
    source.write_text("<http://example.org/a> <http://example.org/p> [ <http://example.org/q> 1 ] .\n")
    result = clusterkg("load", str(source), "--graph", graph, "--endpoint", loaded + "/query")
    assert result.returncode == 0 and "loaded 2 triples" in result.stdout, result.stdout + result.stderr
    assert graph in clusterkg("graphs", "--endpoint", loaded + "/query").stdout
    assert clusterkg("unload", "--graph", graph, "--endpoint", loaded + "/query").returncode == 0
    assert graph not in clusterkg("graphs", "--endpoint", loaded + "/query").stdout
