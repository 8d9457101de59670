"""One page layout: the header and navigation are written once, in ``templates/base.html``, and every HTML page
(the SPARQL editor, the questions, the validation form, resource pages, error pages) carries them. Browsers
get errors as pages; API clients keep their JSON errors exactly as before."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clusterkg.app import create_app
from clusterkg.config import Settings

PACKAGE = Path(__file__).resolve().parents[1] / "service" / "clusterkg"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
NAVIGATION = ["/", "/questions", "/validate", "/ont", "/dataset", "/docs", "/health"]
PAGES = {
    "/": "SPARQL",
    "/questions": "Questions",
    "/validate": "Validate an entry",
    "/id/org/tama-association": "TAMA協会 / TAMA Association",
    "/concept/support-function/matchmaking": "引き合わせ・マッチング / matchmaking",
    "/no/such/page": "404 Not Found",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("pages") / "data", query_workers=1)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def navigation_of(html: str) -> list[str]:
    (nav,) = re.findall(r'<nav aria-label="Site">(.*?)</nav>', html, re.DOTALL)
    return re.findall(r'<a href="([^"]+)"', nav)


def test_the_navigation_is_written_once() -> None:
    files = [*PACKAGE.glob("templates/*.html"), *PACKAGE.glob("static/*.html"), *PACKAGE.glob("static/*.js")]
    with_navigation = sorted(path.name for path in files if "<nav" in path.read_text(encoding="utf-8"))
    assert with_navigation == ["base.html"]
    pages = [path for path in PACKAGE.glob("templates/*.html") if path.name != "base.html"]
    assert pages and all(path.read_text(encoding="utf-8").startswith('{% extends "base.html" %}') for path in pages)


@pytest.mark.parametrize(("path", "title"), PAGES.items())
def test_every_page_carries_the_navigation(client: TestClient, path: str, title: str) -> None:
    response = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert navigation_of(response.text) == NAVIGATION
    assert f"<title>{title} · ClusterKG</title>" in response.text
    assert response.text.count('class="site-footer"') == 1


def test_the_current_page_is_marked_in_the_navigation(client: TestClient) -> None:
    html = client.get("/questions", headers={"Accept": BROWSER_ACCEPT}).text
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', html) == ["/questions"]


def test_a_browser_gets_the_error_as_a_page(client: TestClient) -> None:
    response = client.get("/id/org/no-such-organisation", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 404
    assert "No resource &lt;https://w3id.org/clusterkg/id/org/no-such-organisation&gt; in this graph." in response.text
    assert "<code>not_found</code>" in response.text


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html;q=0.5"])
def test_api_clients_keep_their_json_errors(client: TestClient, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/no/such/page", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "not_found", "message": "Nothing at /no/such/page."}


def test_a_bad_query_parameter_is_still_a_json_400_for_the_api(client: TestClient) -> None:
    response = client.get("/completions", params={"prefix": "ckg:", "limit": "many"})
    assert response.status_code == 400
    assert response.json()["error"] == "bad_parameter"
