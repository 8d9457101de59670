"""The result cache: bounded, keyed by the data version, and invalidated by every write to the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clusterkg.app import create_app
from clusterkg.cache import VersionedCache
from clusterkg.http.sparql import cache_version
from clusterkg.store.base import QueryJob
from clusterkg.store.embedded import EmbeddedStore
from test_sparql_endpoint import make_settings

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
JSON = {"Accept": "application/sparql-results+json"}


def insert(number: int) -> str:
    return f"INSERT DATA {{ GRAPH <https://w3id.org/clusterkg/graph/cases/t> {{ <urn:x:{number}> <urn:p> {number} }} }}"


def test_an_entry_of_another_version_is_a_miss_and_is_dropped() -> None:
    cache = VersionedCache[bytes](entries=4, max_bytes=1000)
    cache.put("q", 1, b"old", 3)
    assert cache.get("q", 1) == b"old"
    assert cache.get("q", 2) is None
    assert len(cache) == 0 and cache.size_bytes == 0


def test_unknown_version_is_never_cached() -> None:
    cache = VersionedCache[bytes](entries=4, max_bytes=1000)
    cache.put("q", None, b"answer", 6)
    assert cache.get("q", None) is None and len(cache) == 0


def test_bounded_by_entries_and_bytes_least_recently_used_first() -> None:
    cache = VersionedCache[bytes](entries=2, max_bytes=40)
    cache.put("a", 1, b"a", 1)
    cache.put("b", 1, b"b", 1)
    assert cache.get("a", 1) == b"a"  # "b" is now the least recently used
    cache.put("c", 1, b"c", 1)
    assert cache.get("b", 1) is None and cache.get("a", 1) == b"a"
    cache.put("big", 1, b"x" * 11, 11)  # over a quarter of the bytes: not kept
    assert cache.get("big", 1) is None
    cache.put("d", 1, b"d" * 10, 10)
    cache.put("e", 1, b"e" * 10, 10)
    assert cache.size_bytes <= 40 and len(cache) <= 2


def test_zero_entries_turns_it_off() -> None:
    cache = VersionedCache[bytes](entries=0, max_bytes=1000)
    cache.put("q", 1, b"answer", 6)
    assert not cache.enabled and cache.get("q", 1) is None


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path, http_workers=2))) as test_client:
        yield test_client


def count(client: TestClient, **params: str) -> int:
    response = client.get("/sparql", params={"query": COUNT, **params}, headers=JSON)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_repeated_query_is_answered_from_the_cache(client: TestClient) -> None:
    cache = client.app.state.result_cache  # type: ignore[attr-defined]
    first = count(client)
    assert len(cache) == 1
    assert count(client) == first and len(cache) == 1


def test_a_write_changes_the_next_answer(client: TestClient) -> None:
    store: EmbeddedStore = client.app.state.store  # type: ignore[attr-defined]
    before = count(client)
    count(client)  # now cached, and answered by the fast path
    store.update(insert(1))
    assert count(client) == before + 1
    store.update(insert(2))
    assert count(client) == before + 2


def test_a_write_changes_the_next_post_answer(client: TestClient) -> None:
    store: EmbeddedStore = client.app.state.store  # type: ignore[attr-defined]

    def posted() -> int:
        response = client.post("/sparql", data={"query": COUNT}, headers=JSON)
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    before = posted()
    assert posted() == before
    store.update(insert(3))
    assert posted() == before + 1


def test_format_and_dataset_are_part_of_the_key(client: TestClient) -> None:
    assert count(client) != count(client, **{"default-graph-uri": "https://w3id.org/clusterkg/graph/data/beta"})
    csv = client.get("/sparql", params={"query": COUNT, "format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv") and csv.text.startswith("n\r\n")


def test_cached_answers_keep_headers_and_checks(client: TestClient) -> None:
    first = client.get("/sparql", params={"query": COUNT}, headers=JSON)
    second = client.get("/sparql", params={"query": COUNT}, headers=JSON)
    for name in ("content-type", "x-clusterkg-result-count", "vary", "content-length"):
        assert first.headers[name] == second.headers[name]
    assert second.content == first.content
    refused = client.get("/sparql", params={"query": COUNT}, headers={"Accept": "image/png"})
    assert refused.status_code == 406  # negotiation still runs for a cached query
    service = "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }"
    assert client.get("/sparql", params={"query": service}).status_code == 403


def test_cache_can_be_turned_off(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, result_cache_entries=0))) as client:
        count(client)
        assert len(client.app.state.result_cache) == 0  # type: ignore[attr-defined]


def test_federated_queries_are_never_cached(client: TestClient) -> None:
    store = client.app.state.store  # type: ignore[attr-defined]
    remote = QueryJob(
        "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }", "json", federated=True
    )
    assert cache_version(store, remote) is None
    assert cache_version(store, QueryJob(COUNT, "json")) == store.data_version


LABELS_RQ = """#+ summary: Labels of clusters
#+ parameters:
#+   lang: {type: enum, enum: [en, ja], default: en}
SELECT ?c ?label WHERE {
  ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = ?lang)
}
ORDER BY ?label
"""


@pytest.fixture
def canned_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, http_workers=2)
    assert settings.source_dir is not None
    (settings.source_dir / "queries" / "labels.rq").write_text(LABELS_RQ, encoding="utf-8")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def labels(client: TestClient, **params: str) -> list[str]:
    response = client.get("/queries/labels", params=params, headers=JSON)
    assert response.status_code == 200, response.text
    return [b["label"]["value"] for b in response.json()["results"]["bindings"]]


def test_a_canned_answer_is_sent_again_until_a_write(canned_client: TestClient) -> None:
    store: EmbeddedStore = canned_client.app.state.store  # type: ignore[attr-defined]
    before = labels(canned_client)
    entries = len(canned_client.app.state.result_cache)  # type: ignore[attr-defined]
    assert labels(canned_client) == before
    assert len(canned_client.app.state.result_cache) == entries  # type: ignore[attr-defined]
    label = "INSERT DATA { GRAPH <https://w3id.org/clusterkg/graph/cases/t> { <urn:x:c> "
    store.update(label + '<http://www.w3.org/2000/01/rdf-schema#label> "AAA first"@en } }')
    assert labels(canned_client) == sorted([*before, "AAA first"])


def test_canned_answers_keep_parameters_headers_and_errors_apart(canned_client: TestClient) -> None:
    assert labels(canned_client, lang="ja") != labels(canned_client, lang="en")
    first = canned_client.get("/queries/labels", params={"limit": "1"}, headers=JSON)
    again = canned_client.get("/queries/labels", params={"limit": "1"}, headers=JSON)
    assert again.content == first.content and again.headers.get("link") == first.headers.get("link")
    assert canned_client.get("/queries/labels", params={"lang": "fr"}).status_code == 422
    assert canned_client.get("/queries/labels", params={"lang": "fr"}).status_code == 422
    csv = canned_client.get("/queries/labels", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
