"""The query editor's term completion answers from our own store: classes, properties and concepts whose IRI
starts with what was typed, with their labels in English and Japanese."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clusterkg.app import create_app
from clusterkg.config import Settings

ONT = "https://w3id.org/clusterkg/ont#"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("completions") / "data", query_workers=1)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def complete(client: TestClient, **params: str) -> list[dict[str, Any]]:
    response = client.get("/completions", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def test_ckg_clu_offers_the_cluster_class_first_with_its_labels(client: TestClient) -> None:
    found = complete(client, prefix="ckg:Clu")
    assert found[0] == {
        "iri": ONT + "Cluster",
        "kind": "class",
        "curie": "ckg:Cluster",
        "label": {"en": "cluster", "ja": "クラスター"},
    }
    assert all(item["iri"].startswith(ONT + "Clu") for item in found)
    assert ONT + "ClusterOrganisation" in {item["iri"] for item in found}


def test_a_full_iri_start_and_any_case_complete_alike(client: TestClient) -> None:
    assert complete(client, prefix=ONT + "clu") == complete(client, prefix="ckg:Clu")


def test_only_the_kind_asked_for(client: TestClient) -> None:
    properties = complete(client, prefix="ckg:coordinat", kind="property")
    assert properties and {item["kind"] for item in properties} == {"property"}
    assert ONT + "coordinatedBy" in {item["iri"] for item in properties}
    assert complete(client, prefix="ckg:coordinat", kind="class") == []


def test_concepts_of_the_schemes_complete_with_their_scheme_prefix(client: TestClient) -> None:
    found = complete(client, prefix="sf:match", kind="concept")
    assert [(item["curie"], item["label"]["ja"]) for item in found] == [("sf:matchmaking", "引き合わせ・マッチング")]


def test_the_limit_is_kept(client: TestClient) -> None:
    assert len(complete(client, prefix="ckg:", limit="5")) == 5


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "prefix is required"),
        ({"prefix": "nope:Clu"}, "Unknown prefix nope:"),
        ({"prefix": "ckg:Clu", "kind": "individual"}, "Unknown kind 'individual'"),
        ({"prefix": "ckg:" + "x" * 600}, "longer than 500 characters"),
    ],
)
def test_bad_input_is_a_400_naming_the_problem(client: TestClient, params: dict[str, str], message: str) -> None:
    response = client.get("/completions", params=params)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_parameter"
    assert message in response.json()["message"]


def test_typed_text_is_bound_never_pasted_into_the_query(client: TestClient) -> None:
    found = complete(client, prefix='https://w3id.org/clusterkg/ont#") || true || STR("')
    assert found == []
