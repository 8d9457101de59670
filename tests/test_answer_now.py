"""What the app answers at once, for the HTTP protocol to send without an ASGI cycle: a ``GET /sparql`` whose
checks passed before, evaluated at once by the store (a lookup here), with the very bytes and headers the
route sent, or from the result cache; nothing for a query it has not checked, one a worker must evaluate
(unless its answer is kept), or a cross-origin request when CORS is on; and every write is seen at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from clusterkg.app import create_app, lifespan_state
from clusterkg.http.caches import ANSWER_NOW, CachedAnswers
from test_sparql_endpoint import make_settings

SUBJECT = "urn:x:subject"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{SUBJECT}> ?p ?o }}"
JOIN = f"SELECT ?p ?o WHERE {{ <{SUBJECT}> ?p ?x . ?x ?p ?o }}"
JSON = b"application/sparql-results+json"
GRAPH = "https://w3id.org/clusterkg/graph/cases/t"


def insert(value: int) -> str:
    return f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <{SUBJECT}> <urn:p> {value} }} }}"


@pytest.fixture(params=[0, 100], ids=["cache off", "cache on"])
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, result_cache_entries=request.param, cors_origins=["http://allowed.example"])
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def answers(client: TestClient) -> CachedAnswers:
    state = lifespan_state(client.app)  # type: ignore[arg-type]
    answer_now = state[ANSWER_NOW]
    owner = answer_now.__self__  # type: ignore[attr-defined]
    assert isinstance(owner, CachedAnswers)
    return owner


def query_string(query: str) -> bytes:
    return b"query=" + quote(query, safe="").encode()


def asked(client: TestClient, query: str) -> object:
    return client.get("/sparql?" + query_string(query).decode(), headers={"Accept": JSON.decode()})


def test_a_query_checked_before_is_answered_at_once_with_the_routes_bytes_and_headers(client: TestClient) -> None:
    client.app.state.store.update(insert(1))  # type: ignore[attr-defined]
    response = asked(client, LOOKUP)
    assert response.status_code == 200  # type: ignore[attr-defined]
    answer = answers(client).answer_now(query_string(LOOKUP), [(b"host", b"testserver"), (b"accept", JSON)])
    assert answer is not None
    headers, body = answer
    assert body == response.content  # type: ignore[attr-defined]
    sent = {name.decode(): value.decode() for name, value in headers}
    for name in ("content-type", "content-length", "vary", "x-clusterkg-result-count"):
        assert sent[name] == response.headers[name]  # type: ignore[attr-defined]
    assert sent["x-clusterkg-result-count"] == "1"


def test_each_write_is_seen_at_once(client: TestClient) -> None:
    asked(client, LOOKUP)
    for value in (1, 2, 3):
        client.app.state.store.update(insert(value))  # type: ignore[attr-defined]
        answer = answers(client).answer_now(query_string(LOOKUP), [(b"accept", JSON)])
        assert answer is not None and dict(answer[0])[b"x-clusterkg-result-count"] == str(value).encode()


def test_a_query_not_checked_yet_is_left_to_the_route(client: TestClient) -> None:
    assert answers(client).answer_now(query_string(LOOKUP), [(b"accept", JSON)]) is None
    asked(client, LOOKUP)
    other_accept = answers(client).answer_now(query_string(LOOKUP), [(b"accept", b"text/csv")])
    assert other_accept is None  # its checks (the negotiation) have not run


def test_a_query_a_worker_must_evaluate_is_left_to_the_route_unless_its_answer_is_kept(client: TestClient) -> None:
    response = asked(client, JOIN)
    assert response.status_code == 200  # type: ignore[attr-defined]
    kept = answers(client).answer_now(query_string(JOIN), [(b"accept", JSON)])
    if client.app.state.result_cache.enabled:  # type: ignore[attr-defined]
        assert kept is not None and kept[1] == response.content  # type: ignore[attr-defined]
    else:
        assert kept is None
    client.app.state.store.update(insert(1))  # type: ignore[attr-defined]
    assert answers(client).answer_now(query_string(JOIN), [(b"accept", JSON)]) is None


def test_a_cross_origin_request_is_left_to_the_cors_middleware(client: TestClient) -> None:
    asked(client, LOOKUP)
    origin = [(b"accept", JSON), (b"origin", b"http://allowed.example")]
    assert answers(client).answer_now(query_string(LOOKUP), origin) is None
