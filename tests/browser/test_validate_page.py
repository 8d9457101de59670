"""The validation form in a real headless Chromium (Debian's), driven by Playwright: paste an invalid entry
and see its violation, paste the valid one and see that it conforms, upload a JSON-LD file, read the
messages in Japanese, see a syntax error with its position."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import offline_context, require_playwright
from conftest import Server

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "data" / "examples" / "cases"

require_playwright()


@pytest.fixture(scope="module")
def page(site: Server, chromium_session: Any) -> Iterator[Any]:
    with offline_context(chromium_session, locale="en-GB") as (context, _):
        the_page = context.new_page()
        the_page.goto(site.url + "/validate")
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


def test_the_template_case_loads_in_one_click_and_conforms(page: Any) -> None:
    page.fill("#entry", "")
    page.click("#load-template")
    page.wait_for_function("document.getElementById('entry').value.includes('Example Valley')")
    assert page.input_value("#entry") == (CASES / "valid" / "example-valley.ttl").read_text(encoding="utf-8")
    page.click("#validate")
    page.wait_for_selector("#verdict:not([hidden])", timeout=30_000)
    assert page.text_content("#verdict").startswith("The entry conforms.")


def test_each_invalid_example_is_offered_and_fails_when_tried(page: Any) -> None:
    page.select_option("#lang", "en")
    offered = page.locator("#invalid-examples option").evaluate_all("options => options.map(o => o.value)")
    assert offered[1:] == [f"invalid/{path.stem}" for path in sorted((CASES / "invalid").glob("*.ttl"))]
    page.evaluate("document.getElementById('verdict').hidden = true")
    page.select_option("#invalid-examples", "invalid/missing-unit")
    page.wait_for_selector("#verdict:not([hidden])", timeout=30_000)
    assert page.input_value("#entry") == (CASES / "invalid" / "missing-unit.ttl").read_text(encoding="utf-8")
    assert page.text_content("#verdict").startswith("The entry does not conform.")


def test_a_focus_node_links_to_where_it_is_in_the_entry(page: Any) -> None:
    text = (CASES / "invalid" / "missing-unit.ttl").read_text(encoding="utf-8")
    validate(page, text)
    link = page.locator("#results a.focus-link").first
    line = int(link.get_attribute("data-line"))
    assert f"(line {line} of the entry)" in link.inner_text()
    assert text.splitlines()[line - 1].startswith("ckobs:example-valley-association-members-2024-04-01-companies")
    link.click()
    selected = page.evaluate(
        "(() => { const e = document.getElementById('entry'); return [document.activeElement === e, e.value.slice(e.selectionStart, e.selectionEnd)]; })()"
    )
    assert selected == [True, "ckobs:example-valley-association-members-2024-04-01-companies"]
