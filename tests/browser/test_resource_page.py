"""A resource page in a real headless Chromium: labels in both languages, provenance, the network picture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import offline_context, require_playwright
from conftest import Server

pytestmark = pytest.mark.browser


require_playwright()


@pytest.fixture(scope="module")
def server(site: Server) -> Server:
    return site


@pytest.fixture(scope="module")
def browser(chromium_session: Any) -> Iterator[object]:
    with offline_context(chromium_session) as (context, _):
        yield context


def test_the_tama_association_page(browser: object, server: Server, tmp_path: Path) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    response = page.goto(server.url + "/id/org/tama-association")
    assert response.status == 200
    assert page.locator('h1 .label[lang="ja"]').inner_text() == "TAMA協会"
    assert page.locator('h1 .label[lang="en"]').inner_text() == "TAMA Association"
    quotes = page.locator(".provenance blockquote").all_inner_texts()
    assert any("産業クラスター計画のひとつのモデル事例" in quote for quote in quotes)
    assert "lecture" in page.locator(".provenance figcaption").first.inner_text().lower()
    svg = page.locator("svg.network")
    assert svg.is_visible()
    assert svg.locator("circle").count() >= 3
    page.screenshot(path=str(tmp_path / "tama-association.png"), full_page=True)
    # A node of the picture is a link to that actor's own page.
    node = svg.locator("a.node").first
    href = node.get_attribute("href")
    node.click()
    page.wait_for_url(server.url + href)
    assert page.locator("h1").inner_text() != ""
    page.close()


def test_a_place_page_links_its_external_identifiers(browser: object, server: Server) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(server.url + "/id/place/berlin")
    assert page.locator('a[href="http://www.wikidata.org/entity/Q64"]').count() >= 1
    nuts = page.locator('.identifiers tr:has(td:text-is("nuts2006")) td:nth-child(2)')
    assert nuts.all_inner_texts() == ["DE3"]
    page.close()
