"""The validation form in a real headless Chromium (Debian's), driven by Playwright: paste an invalid entry
and see its violation, paste the valid one and see that it conforms, upload a JSON-LD file, read the
messages in Japanese, see a syntax error with its position."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import chromium, require_playwright
from conftest import Server, start_server

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "data" / "examples" / "cases"

require_playwright()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("validate-page")
    yield from start_server(env={"CLUSTERKG_DATA_DIR": str(root / "data")}, log=root / "server.log")


@pytest.fixture(scope="module")
def page(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(server.url, tmp_path_factory.mktemp("chromium-profile"), locale="en-GB") as context:
        the_page = context.new_page()
        the_page.goto(server.url + "/validate")
        yield the_page


def validate(page: Any, text: str, fmt: str = "text/turtle", lang: str = "en") -> None:
    page.select_option("#format", fmt)
    page.select_option("#lang", lang)
    page.fill("#entry", text)
    page.click("#validate")
    page.wait_for_selector("#verdict:not([hidden]), #error:not([hidden])", timeout=30_000)


def test_an_invalid_entry_shows_its_violation(page: Any) -> None:
    validate(page, (CASES / "invalid" / "missing-unit.ttl").read_text(encoding="utf-8"))
    assert page.text_content("#verdict").startswith("The entry does not conform.")
    items = page.locator("#results li")
    assert items.count() == 1
    item = items.first.text_content()
    assert "An observation needs exactly one ckg:unit from the unit scheme." in item
    assert "https://w3id.org/clusterkg/id/obs/example-valley-association-members-2024-04-01-companies" in item
    assert "https://w3id.org/clusterkg/shapes#Observation-unit" in item


def test_the_valid_entry_conforms(page: Any) -> None:
    validate(page, (CASES / "valid" / "example-valley.ttl").read_text(encoding="utf-8"))
    assert page.text_content("#verdict") == "The entry conforms. (0 violation(s), 0 warning(s))"
    assert page.locator("#results li").count() == 0


def test_messages_in_japanese(page: Any) -> None:
    validate(page, (CASES / "invalid" / "dangling-reference.ttl").read_text(encoding="utf-8"), lang="ja")
    assert page.text_content("#verdict").startswith("エントリは適合していません。")
    assert "存在しない資源 cko:example-valley-assocation を参照しています" in page.text_content("#results")


def test_an_uploaded_json_ld_file_is_validated(page: Any) -> None:
    page.select_option("#lang", "en")
    page.set_input_files("#file", str(CASES / "valid" / "example-valley.jsonld"))
    page.wait_for_function("document.getElementById('entry').value.includes('@context')")
    assert page.input_value("#format") == "application/ld+json"
    page.click("#validate")
    page.wait_for_selector("#verdict:not([hidden])")
    assert page.text_content("#verdict").startswith("The entry conforms.")


def test_a_syntax_error_is_shown_with_its_position(page: Any) -> None:
    validate(page, "@prefix ckg: <https://w3id.org/clusterkg/ont#> .\nckg:a ckg:b")
    assert page.is_visible("#error")
    assert "line 2, column 12" in page.text_content("#error")
