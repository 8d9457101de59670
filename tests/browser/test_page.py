"""The query page in a real headless Chromium (Debian's), driven by Playwright: type, run, see rows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from browser_support import chromium, require_playwright
from conftest import Server, start_server, write_sources

pytestmark = pytest.mark.browser


require_playwright()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("page")
    env = {"CLUSTERKG_DATA_DIR": str(root / "data"), "CLUSTERKG_SOURCE_DIR": str(write_sources(root / "src"))}
    yield from start_server(env=env, log=root / "server.log")


@pytest.fixture(scope="module")
def page(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with chromium(server.url, tmp_path_factory.mktemp("chromium-profile")) as context:
        the_page = context.new_page()
        the_page.goto(server.url + "/")
        yield the_page


def test_type_a_query_and_see_the_rows(page: object, tmp_path: Path) -> None:
    p = page  # a playwright Page
    p.fill("#query", "SELECT ?label WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label")  # type: ignore[attr-defined]
    p.click("#run")  # type: ignore[attr-defined]
    p.wait_for_selector("#results tbody tr")  # type: ignore[attr-defined]
    cells = p.locator("#results tbody td").all_inner_texts()  # type: ignore[attr-defined]
    assert any(cell.startswith("TAMA") for cell in cells)
    assert p.locator("#results tbody tr").count() == 5  # type: ignore[attr-defined]
    assert "5 rows" in p.inner_text("#status")  # type: ignore[attr-defined]
    p.screenshot(path=str(tmp_path / "page.png"), full_page=True)  # type: ignore[attr-defined]


def test_an_example_query_runs(page: object) -> None:
    p = page
    p.wait_for_function("document.querySelectorAll('#examples option').length > 2")  # type: ignore[attr-defined]
    p.select_option("#examples", label="Clusters by label")  # type: ignore[attr-defined]
    assert "rdf-schema#label" in p.input_value("#query")  # type: ignore[attr-defined]
    p.evaluate("document.querySelector('#status').textContent = ''")  # type: ignore[attr-defined]
    p.focus("#query")  # type: ignore[attr-defined]
    p.keyboard.press("Control+Enter")  # type: ignore[attr-defined]
    p.wait_for_function("document.querySelector('#status').textContent.includes('row')")  # type: ignore[attr-defined]
    assert p.locator("#results thead th").all_inner_texts() == ["c", "label"]  # type: ignore[attr-defined]


def test_a_syntax_error_is_shown_with_its_position(page: object) -> None:
    p = page
    p.fill("#query", "SELECT * WHERE {\n ?s ?p }")  # type: ignore[attr-defined]
    p.click("#run")  # type: ignore[attr-defined]
    p.wait_for_selector("#error:not([hidden])")  # type: ignore[attr-defined]
    assert "line 2" in p.inner_text("#error")  # type: ignore[attr-defined]


def test_links_to_docs_and_health(page: object) -> None:
    p = page
    hrefs = p.eval_on_selector_all("header nav a", "links => links.map(a => a.getAttribute('href'))")  # type: ignore[attr-defined]
    assert "/docs" in hrefs and "/health" in hrefs
