"""The HTTP API through the app factory: SPARQL protocol, formats, limits, errors, pages, health."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clusterkg.app import create_app
from clusterkg.config import Settings
from conftest import write_sources

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = "SELECT ?c ?label WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
CONSTRUCT = "CONSTRUCT WHERE { ?c a <https://w3id.org/clusterkg/ont#Cluster> }"


def make_settings(root: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": root / "data",
        "source_dir": write_sources(root / "src"),
        "query_timeout": 2.0,
        "query_workers": 1,
        "max_result_rows": 1000,
        "max_query_length": 2000,
        "max_body_bytes": 4000,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = make_settings(tmp_path_factory.mktemp("endpoint"), cors_origins=["http://allowed.example"])
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def bindings(response: object) -> list[dict[str, str]]:
    data = response.json()  # type: ignore[attr-defined]
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


# --- the three ways to send a query ------------------------------------------------------------------


def test_get(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": COUNT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert int(bindings(response)[0]["n"]) > 0


def test_post_form(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": LABELS})
    assert response.status_code == 200
    assert "TAMA" in {row["label"] for row in bindings(response)}


def test_post_sparql_query(client: TestClient) -> None:
    response = client.post("/sparql", content=LABELS, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200
    assert len(bindings(response)) == 5


def test_the_three_ways_agree(client: TestClient) -> None:
    get = client.get("/sparql", params={"query": LABELS}).content
    form = client.post("/sparql", data={"query": LABELS}).content
    direct = client.post("/sparql", content=LABELS, headers={"Content-Type": "application/sparql-query"}).content
    assert get == form == direct


def test_default_and_named_graph_uri(client: TestClient) -> None:
    alpha = "https://w3id.org/clusterkg/graph/data/alpha"
    response = client.get("/sparql", params={"query": COUNT, "default-graph-uri": alpha})
    assert bindings(response) == [{"n": "7"}]
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post(
        f"/sparql?named-graph-uri={alpha}", content=query, headers={"Content-Type": "application/sparql-query"}
    )
    assert bindings(response) == [{"g": alpha}]


def test_the_query_from_clause_defines_its_dataset(client: TestClient) -> None:
    alpha = "https://w3id.org/clusterkg/graph/data/alpha"
    from_alpha = f"SELECT (COUNT(*) AS ?n) FROM <{alpha}> WHERE {{ ?s ?p ?o }}"
    assert bindings(client.get("/sparql", params={"query": from_alpha})) == [{"n": "7"}]
    named = f"SELECT DISTINCT ?g FROM NAMED <{alpha}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert bindings(client.get("/sparql", params={"query": named})) == [{"g": alpha}]
    only_named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{alpha}> WHERE {{ ?s ?p ?o }}"
    assert bindings(client.get("/sparql", params={"query": only_named})) == [{"n": "0"}]


def test_the_protocol_dataset_wins_over_from(client: TestClient) -> None:
    beta = "https://w3id.org/clusterkg/graph/data/sub/beta"
    query = "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/clusterkg/graph/data/alpha> WHERE { ?s ?p ?o }"
    assert bindings(client.get("/sparql", params={"query": query, "default-graph-uri": beta})) == [{"n": "3"}]


def test_deep_nesting_is_refused_with_the_limit(client: TestClient) -> None:
    for query in ("SELECT * WHERE " + "{" * 300 + "}" * 300, "ASK { FILTER(" + "(" * 300 + "1" + ")" * 300 + ") }"):
        response = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 400
        assert (
            response.json()["error"] == "nesting_limit" and "CLUSTERKG_MAX_QUERY_NESTING" in response.json()["message"]
        )


# --- formats --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type", "needle"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", b'"vars"'),
        ("application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
        ("text/csv", "text/csv", b"c,label\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values", b"?c\t?label\n"),
    ],
)
def test_select_formats(client: TestClient, accept: str, media_type: str, needle: bytes) -> None:
    response = client.get("/sparql", params={"query": LABELS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert needle in response.content


@pytest.mark.parametrize(
    ("fmt", "media_type", "needle"),
    [
        ("turtle", "text/turtle", b"ckg:Cluster"),
        ("ntriples", "application/n-triples", b"<https://w3id.org/clusterkg/ont#Cluster> ."),
        ("jsonld", "application/ld+json", b'"@id"'),
        ("rdfxml", "application/rdf+xml", b"<rdf:RDF"),
    ],
)
def test_graph_formats(client: TestClient, fmt: str, media_type: str, needle: bytes) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT, "format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert needle in response.content


def test_ask(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert response.json() == {"head": {}, "boolean": True}


def test_describe(client: TestClient) -> None:
    query = "DESCRIBE <https://w3id.org/clusterkg/id/agglomeration/tama>"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert b"TAMA" in response.content


def test_406_lists_the_available_formats(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": LABELS}, headers={"Accept": "text/turtle"})
    assert response.status_code == 406
    body = response.json()
    assert body["error"] == "not_acceptable"
    assert "application/sparql-results+json" in body["available"]


def test_unknown_format_parameter_is_406(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": LABELS, "format": "pdf"}).status_code == 406


# --- errors and refusals --------------------------------------------------------------------------------


def test_syntax_error_is_400_with_position(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT *\nWHERE {\n  ?s ?p \n}"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "query_syntax"
    assert body["line"] == 4 and isinstance(body["column"], int)


def test_store_errors_of_a_get_are_mapped_like_every_other_error(client: TestClient) -> None:
    """``GET /sparql`` is answered before the routes: its store errors still go through the one error mapper."""
    endless = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r . ?t ?u ?v }"
    )
    response = client.get("/sparql", params={"query": endless})
    assert response.status_code == 503 and response.json()["error"] == "query_timeout"
    assert client.get("/health").status_code == 200


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.post("/sparql", data={"update": "DROP ALL"}),
        lambda c: c.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"}),
        lambda c: c.post("/sparql", data={"query": "INSERT DATA { <http://e/a> <http://e/b> 1 }"}),
        lambda c: c.get("/sparql", params={"query": "CLEAR ALL"}),
    ],
)
def test_updates_are_refused_with_403(client: TestClient, send: object) -> None:
    response = send(client)  # type: ignore[operator]
    assert response.status_code == 403
    assert response.json()["error"] == "update_forbidden"
    assert "read-only" in response.json()["message"]
    assert int(bindings(client.get("/sparql", params={"query": COUNT}))[0]["n"]) > 0


def test_service_is_refused(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"})
    assert response.status_code == 403
    assert response.json()["error"] == "service_forbidden"
    assert response.json()["target"] == "http://127.0.0.1:1/sparql"


def test_missing_query_is_400(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


def test_too_long_query_is_413(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "ASK {}" + " " * 3000})
    assert response.status_code == 413
    assert "CLUSTERKG_MAX_QUERY_LENGTH" in response.json()["message"]


def test_too_large_body_is_413(client: TestClient) -> None:
    response = client.post("/sparql", content="#" * 5000, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 413
    assert "CLUSTERKG_MAX_BODY_BYTES" in response.json()["message"]


def test_unsupported_content_type_is_415(client: TestClient) -> None:
    response = client.post("/sparql", content="x", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


def test_unknown_path_and_method_are_json(client: TestClient) -> None:
    assert client.get("/nowhere").json()["error"] == "not_found"
    response = client.put("/sparql")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_row_limit_is_visible(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, max_result_rows=2))) as small:
        response = small.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }"})
        assert response.headers["X-ClusterKG-Truncated"] == "true"
        assert response.json()["truncated"] is True
        assert len(response.json()["results"]["bindings"]) == 2
        csv = small.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }", "format": "csv"})
        assert csv.headers["X-ClusterKG-Truncated"] == "true"
        assert len(csv.text.strip().splitlines()) == 3


def test_the_row_count_header_and_the_cut_are_exact_around_the_limit(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, max_result_rows=2))) as small:
        for fmt in ("json", "xml", "csv", "tsv"):
            for rows in (1, 2, 3):
                query = f"SELECT ?n WHERE {{ VALUES ?n {{ {' '.join(str(i) for i in range(rows))} }} }}"
                response = small.get("/sparql", params={"query": query, "format": fmt})
                assert response.status_code == 200, (fmt, rows)
                assert response.headers["X-ClusterKG-Result-Count"] == str(min(rows, 2)), (fmt, rows)
                assert response.headers.get("X-ClusterKG-Truncated") == ("true" if rows > 2 else None), (fmt, rows)


# --- operations and pages --------------------------------------------------------------------------------


def test_health(client: TestClient) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["store"]["reachable"] is True
    assert body["store"]["triples"] > 0
    assert body["version"]


def test_cors_on_the_sparql_answers_answered_before_the_middleware_stack(client: TestClient) -> None:
    for _ in range(2):  # evaluated, then from the cache
        allowed = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://allowed.example"})
        assert allowed.status_code == 200 and allowed.json()["boolean"] is True
        assert allowed.headers["access-control-allow-origin"] == "http://allowed.example"
        assert "X-ClusterKG-Result-Count" in allowed.headers["access-control-expose-headers"]
    other = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "http://other.example"})
    assert other.status_code == 200 and "access-control-allow-origin" not in other.headers


def test_cors(client: TestClient) -> None:
    allowed = client.get("/health", headers={"Origin": "http://allowed.example"})
    assert allowed.headers["access-control-allow-origin"] == "http://allowed.example"
    other = client.get("/health", headers={"Origin": "http://other.example"})
    assert "access-control-allow-origin" not in other.headers


def test_access_log_has_one_line_per_request(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("clusterkg")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="clusterkg.access"):
            client.get("/health")
    finally:
        logger.removeHandler(caplog.handler)
    lines = [r.getMessage() for r in caplog.records if r.name == "clusterkg.access"]
    assert len(lines) == 1
    method, path, status, duration = lines[0].split()
    assert (method, path, status) == ("GET", "/health", "200") and duration.endswith("ms")


def test_page_uses_only_local_assets(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    for asset in ("/static/sparql.js", "/static/style.css", "/static/vendor/yasgui.min.js"):
        assert f'"{asset}"' in page.text and client.get(asset).status_code == 200
    # Namespace IRIs are data for the editor (its known prefixes); no asset is loaded from them.
    assert re.findall(r'(?:src|href)="(https?:[^"]*)"', page.text) == []
    assert 'href="/docs"' in page.text and 'href="/health"' in page.text


def test_docs_are_served_locally(client: TestClient) -> None:
    docs = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    assert "/sparql" in spec["paths"] and "/health" in spec["paths"]


def test_examples_include_the_query_files(client: TestClient) -> None:
    examples = client.get("/examples").json()
    assert any(e["title"] == "Clusters by label" for e in examples)
    for example in examples:
        response = client.post("/sparql", data={"query": example["query"]})
        assert response.status_code == 200, (example["title"], response.text)


def test_error_bodies_never_carry_a_traceback(client: TestClient) -> None:
    for response in (
        client.get("/sparql", params={"query": "SELECT"}),
        client.get("/sparql", params={"query": "PREFIX x: <"}),
        client.post("/sparql", content=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"}),
    ):
        assert response.status_code == 400
        assert set(json.loads(response.content)) >= {"error", "message"}
        assert "Traceback" not in response.text
