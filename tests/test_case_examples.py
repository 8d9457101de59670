"""The validation form's examples: the template case and every invalid example, each served as it is written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clusterkg.app import create_app
from clusterkg.config import Settings

CASES = Path(__file__).resolve().parents[1] / "data" / "examples" / "cases"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("case-examples") / "data", query_workers=1)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_list_offers_the_template_then_every_invalid_example(client: TestClient) -> None:
    listed = client.get("/validate/examples").json()
    assert listed[0] == {
        "name": "valid/example-valley",
        "title": "The template case (Example Valley)",
        "href": "/validate/examples/valid/example-valley",
    }
    invalid = sorted((CASES / "invalid").glob("*.ttl"))
    assert [item["name"] for item in listed[1:]] == [f"invalid/{path.stem}" for path in invalid]


def test_an_invalid_example_is_titled_by_its_mistake(client: TestClient) -> None:
    listed = {item["name"]: item["title"] for item in client.get("/validate/examples").json()}
    assert listed["invalid/missing-unit"] == "the observation gives its value without a unit (ckg:unit is required)."


@pytest.mark.parametrize("path", [CASES / "valid" / "example-valley.ttl", *sorted((CASES / "invalid").glob("*.ttl"))])
def test_each_example_is_served_as_written(client: TestClient, path: Path) -> None:
    name = path.relative_to(CASES).with_suffix("").as_posix()
    response = client.get(f"/validate/examples/{name}")
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert response.text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name", ["invalid/no-such-mistake", "valid/example-valley.jsonld", "sources/example-valley-report"]
)
def test_anything_else_is_a_404_pointing_to_the_list(client: TestClient, name: str) -> None:
    response = client.get(f"/validate/examples/{name}")
    assert response.status_code == 404
    assert response.json()["message"] == f"No example case {name}: see /validate/examples for the list."
