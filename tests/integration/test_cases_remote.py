"""Cases with a remote store: the service in front of a real Oxigraph server (``pip install oxigraph``)
validates against the graph in that server and submits a case there in one SPARQL Update; a rejected case
changes nothing; a deleted case's graph is gone from the server."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import REPO, Server, clusterkg, oxigraph_server, start_server

pytestmark = pytest.mark.integration

CASES = REPO / "data" / "examples" / "cases"
TOKEN = "remote-writer-token"
HEADERS = {"Content-Type": "text/turtle", "Authorization": f"Bearer {TOKEN}"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-cases") / "db") as base:
        result = clusterkg("build", "--endpoint", base + "/query")
        assert result.returncode == 0, result.stderr
        yield base


@pytest.fixture(scope="module")
def service(oxigraph: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("remote-cases-service")
    env = {"CLUSTERKG_SPARQL_ENDPOINT": oxigraph + "/query", "CLUSTERKG_WRITE_TOKEN": TOKEN}
    yield from start_server(env=env, log=root / "server.log")


def select(oxigraph: str, query: str) -> list[dict[str, dict[str, str]]]:
    """Ask the Oxigraph server itself, not the service."""
    url = oxigraph + "/query?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        rows: list[dict[str, dict[str, str]]] = json.load(response)["results"]["bindings"]
        return rows


def count(oxigraph: str) -> int:
    return int(select(oxigraph, COUNT)[0]["n"]["value"])


def test_a_case_is_stored_in_the_remote_server_and_deleted_from_it(service: Server, oxigraph: str) -> None:
    before = count(oxigraph)
    entry = (CASES / "valid" / "example-valley.ttl").read_bytes()
    response = httpx.post(service.url + "/cases", content=entry, headers=HEADERS, timeout=60)
    assert response.status_code == 201, response.text
    record = response.json()
    graph_rows = select(oxigraph, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{record['graph']}> {{ ?s ?p ?o }} }}")
    stored = int(graph_rows[0]["n"]["value"])
    assert stored == record["report"]["triples"] + 8 + len(record["resources"])
    assert count(oxigraph) == before + stored
    listed = httpx.get(service.url + "/cases", timeout=30).json()["cases"]
    assert [case["id"] for case in listed] == [record["id"]]
    # the same entry again: its resources now exist in the server's graph
    again = httpx.post(service.url + "/cases", content=entry, headers=HEADERS, timeout=60)
    assert again.status_code == 422
    assert count(oxigraph) == before + stored
    deleted = httpx.delete(service.url + f"/cases/{record['id']}", headers=HEADERS, timeout=30)
    assert deleted.status_code == 204
    assert count(oxigraph) == before


def test_a_rejected_case_changes_nothing_in_the_remote_server(service: Server, oxigraph: str) -> None:
    before = count(oxigraph)
    for path in sorted((CASES / "invalid").glob("*.ttl")):
        response = httpx.post(service.url + "/cases", content=path.read_bytes(), headers=HEADERS, timeout=60)
        assert response.status_code == 422, path.name
    assert count(oxigraph) == before


def test_validation_uses_the_remote_graph(service: Server) -> None:
    body = (CASES / "invalid" / "dangling-reference.ttl").read_bytes()
    report = httpx.post(
        service.url + "/validate", content=body, headers={"Content-Type": "text/turtle"}, timeout=60
    ).json()
    assert [r["value"] for r in report["results"]] == ["https://w3id.org/clusterkg/id/org/example-valley-assocation"]


def test_repository_examples_exist() -> None:
    assert Path(CASES / "valid" / "example-valley.ttl").is_file()
