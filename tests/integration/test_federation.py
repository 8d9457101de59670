"""Federated canned queries: our graph joined with a second SPARQL server through SERVICE, allow-listed only.

A real Oxigraph server on 127.0.0.1, loaded with a small stand-in for Wikidata
(``tests/fixtures/federation/wikidata-standin.ttl``, a test fixture, not data), plays the external
endpoint. Oxigraph (embedded, in the service's query workers) evaluates SERVICE itself over HTTP.
"""

from __future__ import annotations

import json
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, Store

from clusterkg.canned.binding import QueryShape
from clusterkg.canned.catalogue import load_query
from clusterkg.canned.federation import resolve_services
from clusterkg.canned.parameters import bind_values
from clusterkg.errors import ServiceForbidden
from conftest import REPO, VENV_BIN, Server, free_port, start_server, stop, wait_for_http

pytestmark = pytest.mark.integration

STANDIN = REPO / "tests" / "fixtures" / "federation" / "wikidata-standin.ttl"
WD = "http://www.wikidata.org/entity/"


@pytest.fixture(scope="module")
def external(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The stand-in endpoint: ``oxigraph load`` then ``oxigraph serve-read-only`` on a free local port."""
    root = tmp_path_factory.mktemp("standin")
    oxigraph = str(VENV_BIN / "oxigraph")
    subprocess.run([oxigraph, "load", "--location", str(root), "--file", str(STANDIN)], check=True, capture_output=True)
    port = free_port()
    process = subprocess.Popen(
        [oxigraph, "serve-read-only", "--location", str(root), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/query?query=ASK%7B%7D", process)
        yield base + "/query"
    finally:
        stop(process)


@pytest.fixture(scope="module")
def service(external: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("federating")
    allowed = external.rsplit("/", 1)[0] + "/"
    env = {"CLUSTERKG_DATA_DIR": str(root / "data"), "CLUSTERKG_SERVICE_ALLOWLIST": allowed}
    yield from start_server(env=env, log=root / "server.log")


def canned(name: str, endpoint: str, allowlist: list[str], **params: str) -> str:
    """The canned query bound to its parameters, with SERVICE ?endpoint resolved (as the service runs it)."""
    query = load_query(REPO / "queries" / f"{name}.rq")
    terms = bind_values(query.header.parameters, {"endpoint": endpoint, **params})
    return resolve_services(QueryShape.of(query.text).bind(terms), terms, allowlist)


def post(server: Server, query: str) -> tuple[int, dict[str, object]]:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(server.url + "/sparql", data=body, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def rows(server: Server, query: str) -> list[dict[str, str]]:
    status, answer = post(server, query)
    assert status == 200, answer
    return [{k: v["value"] for k, v in b.items()} for b in answer["results"]["bindings"]]  # type: ignore[index]


def test_the_embedded_engine_evaluates_service_itself(external: str) -> None:
    store = Store()
    store.add(Quad(NamedNode("http://example.org/berlin"), NamedNode("http://example.org/same"), NamedNode(WD + "Q64")))
    query = f"SELECT ?n WHERE {{ ?x <http://example.org/same> ?item SERVICE <{external}> {{ ?item <http://www.wikidata.org/prop/direct/P605> ?n }} }}"
    assert [row["n"].value for row in store.query(query)] == ["DE3"]  # type: ignore[index, union-attr]


def test_regions_join_through_their_nuts_codes(service: Server, external: str) -> None:
    answer = rows(service, canned("federated-nuts-regions", external, [external]))
    joined = {row["nuts"]: (row["item"], row.get("population")) for row in answer}
    assert joined == {
        "DE3": (WD + "Q64", "11234"),
        "DE4": (WD + "Q1208", "21234"),
        "DEA": (WD + "Q1198", "41234"),
        "DEA52": (WD + "Q1295", "61234"),
        "DED": (WD + "Q1202", "31234"),
        "DED21": (WD + "Q1731", "51234"),
    }
    assert all(row["label"] and row["region"].startswith("https://w3id.org/clusterkg/id/place/") for row in answer)


def test_places_join_through_owl_same_as(service: Server, external: str) -> None:
    answer = rows(service, canned("federated-places-by-sameas", external, [external], lang="ja"))
    by_item = {row["item"]: row for row in answer}
    assert by_item[WD + "Q64"]["remoteCode"] == by_item[WD + "Q64"]["ourCode"] == "DE-BE"
    assert by_item[WD + "Q1490"]["label"] == "東京都"
    assert WD + "Q99999999" not in by_item


def test_japanese_places_join_through_local_government_codes(service: Server, external: str) -> None:
    answer = rows(service, canned("federated-japanese-local-governments", external, [external]))
    assert {(row["code"], row["population"]) for row in answer} == {("130001", "71234"), ("140007", "81234")}


def test_an_endpoint_off_the_allow_list_is_refused_before_anything_runs(external: str) -> None:
    with pytest.raises(ServiceForbidden):
        canned("federated-nuts-regions", "http://127.0.0.1:9/sparql", [external])


def test_the_service_refuses_a_service_call_off_its_allow_list(service: Server) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, answer = post(service, query)
    assert status == 403
    assert answer["error"] == "service_forbidden"


def test_the_fixture_is_marked_as_a_fixture() -> None:
    assert "TEST FIXTURE, NOT DATA" in Path(STANDIN).read_text(encoding="utf-8")


def get(server: Server, path: str, **params: str) -> tuple[int, dict[str, object]]:
    url = f"{server.url}{path}?{urllib.parse.urlencode(params)}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_canned_query_route_runs_the_federated_query(service: Server, external: str) -> None:
    status, answer = get(service, "/queries/federated-nuts-regions", endpoint=external)
    assert status == 200, answer
    bindings = answer["results"]["bindings"]  # type: ignore[index]
    assert {b["nuts"]["value"]: b["population"]["value"] for b in bindings}["DED21"] == "51234"


def test_the_canned_query_route_refuses_an_endpoint_off_the_allow_list(service: Server) -> None:
    status, answer = get(service, "/queries/federated-nuts-regions", endpoint="http://127.0.0.1:9/sparql")
    assert status == 403
    assert answer["error"] == "service_forbidden"
