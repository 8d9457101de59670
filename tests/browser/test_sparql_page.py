"""The SPARQL page (YASGUI) in a real headless Chromium: highlighting, completion from our own store, a GROUP
BY query into a table whose IRIs link to their pages, the query in the address, history, a chart, downloads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from browser_support import offline_context, require_playwright
from conftest import Server

pytestmark = pytest.mark.browser

require_playwright()

AGGLOMERATIONS_BY_COUNTRY = """PREFIX ckg: <https://w3id.org/clusterkg/ont#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?country (COUNT(DISTINCT ?agglomeration) AS ?agglomerations) WHERE {
  ?agglomeration a/rdfs:subClassOf* ckg:Agglomeration ; ckg:country ?country .
}
GROUP BY ?country
ORDER BY DESC(?agglomerations)"""

# Painted pixels of the chart's canvas (alpha > 0): a blank canvas has none.
PAINTED = """() => {
  const canvas = document.querySelector('.yasr .chart-box canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


@pytest.fixture(scope="module")
def context(chromium_session: Any) -> Iterator[Any]:
    with offline_context(chromium_session, accept_downloads=True) as (the_context, _):
        yield the_context


@pytest.fixture
def page(context: Any, site: Server) -> Iterator[Any]:
    the_page = context.new_page()
    the_page.goto(site.url + "/")
    the_page.wait_for_selector(".yasgui .CodeMirror")
    yield the_page
    the_page.close()


def editor_value(page: Any) -> str:
    value: str = page.evaluate("window.yasgui.getTab().getYasqe().getValue()")
    return value


def set_query(page: Any, query: str) -> None:
    page.evaluate("q => { window.yasgui.getTab().setQuery(q); }", query)


def run(page: Any, query: str) -> None:
    """Run the query and show its answer as the table (the tab remembers the view chosen last)."""
    set_query(page, query)
    page.evaluate("() => { const tab = window.yasgui.getTab(); tab.getYasr().selectPlugin('table'); tab.query(); }")
    page.wait_for_selector(".yasr tbody tr")


def type_at_end(page: Any, text: str) -> None:
    page.evaluate("() => { const y = window.yasgui.getTab().getYasqe(); y.focus(); y.setCursor(y.lastLine(), 1e6); }")
    page.keyboard.type(text)


def address_query(page: Any) -> str:
    return parse_qs(urlsplit(page.url).query).get("query", [""])[0]


def test_the_editor_highlights_sparql_and_marks_a_syntax_error(page: Any) -> None:
    set_query(page, "SELECT ?s WHERE {\n  ?s a ?class\n}")
    assert {"SELECT", "WHERE"} <= set(page.locator(".CodeMirror .cm-keyword").all_inner_texts())
    assert "?s" in page.locator(".CodeMirror .cm-atom").all_inner_texts()
    assert page.locator(".CodeMirror .parseErrorIcon").count() == 0
    set_query(page, "SELECT ?s WHERE {\n  ?s a \n}")
    page.wait_for_selector(".CodeMirror .parseErrorIcon")


def test_ctrl_space_after_ckg_clu_offers_cluster_with_its_label(page: Any, tmp_path: Path) -> None:
    set_query(page, "SELECT ?c WHERE {\n  ?c a ")
    type_at_end(page, "ckg:Clu")
    assert editor_value(page).startswith("PREFIX ckg: <https://w3id.org/clusterkg/ont#>")  # known in advance
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.locator(".CodeMirror-hints li").all_inner_texts()
    assert hints[0] == "ckg:Cluster  —  cluster / クラスター"
    assert all(hint.startswith("ckg:Clu") for hint in hints)
    page.screenshot(path=str(tmp_path / "completion.png"))
    page.keyboard.press("Enter")
    assert editor_value(page).endswith("?c a ckg:Cluster")


def test_a_property_is_completed_in_property_position(page: Any) -> None:
    set_query(page, "PREFIX ckg: <https://w3id.org/clusterkg/ont#>\nSELECT ?c WHERE {\n  ?c ")
    type_at_end(page, "ckg:coordinat")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li")
    assert any(hint.startswith("ckg:coordinatedBy") for hint in page.locator(".CodeMirror-hints li").all_inner_texts())


def test_a_group_by_query_runs_into_a_table_whose_iris_link_to_their_pages(page: Any, site: Server) -> None:
    run(page, AGGLOMERATIONS_BY_COUNTRY)
    rows = page.locator(".yasr tbody tr")
    assert rows.count() == 3
    links = page.locator(".yasr tbody a.iri")
    hrefs = links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/id/place/japan" in hrefs and "/id/place/germany" in hrefs
    page.locator('.yasr tbody a[href="/id/place/japan"]').click()
    page.wait_for_url(site.url + "/id/place/japan")
    assert page.locator('h1 .label[lang="ja"]').inner_text() == "日本"


def test_the_address_carries_the_query_and_a_reload_restores_it(page: Any, context: Any, site: Server) -> None:
    query = "SELECT ?label WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 3"
    set_query(page, query)
    assert address_query(page) == query
    page.reload()
    page.wait_for_selector(".yasgui .CodeMirror")
    assert editor_value(page) == query
    shared = page.url
    elsewhere = context.browser.new_context()  # another browser's storage: only the link carries the query
    try:
        other = elsewhere.new_page()
        other.goto(shared)
        other.wait_for_selector(".yasgui .CodeMirror")
        assert editor_value(other) == query
    finally:
        elsewhere.close()


def test_queries_run_are_kept_in_the_history(page: Any) -> None:
    query = "SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }"
    run(page, query)
    page.reload()
    page.wait_for_selector(".yasgui .CodeMirror")
    set_query(page, "ASK {}")
    options = page.locator("#history option").all_inner_texts()
    choice = next(text for text in options if "SELECT (COUNT(*) AS ?triples)" in text)
    page.select_option("#history", label=choice)
    assert editor_value(page) == query


def test_a_numeric_answer_draws_as_a_chart(page: Any, tmp_path: Path) -> None:
    run(page, AGGLOMERATIONS_BY_COUNTRY)
    page.click(".yasr .select_chart")
    page.wait_for_selector(".yasr .chart-box canvas")
    chart = page.evaluate(
        "() => ({labels: window.sparqlChart.data.labels, data: window.sparqlChart.data.datasets[0].data})"
    )
    assert chart == {"labels": ["ckp:japan", "ckp:germany", "ckp:usa"], "data": [7, 5, 1]}
    assert page.evaluate(PAINTED) > 1000
    page.screenshot(path=str(tmp_path / "chart.png"), full_page=True)


def test_the_table_downloads_as_csv_and_the_response_as_json(page: Any) -> None:
    run(page, AGGLOMERATIONS_BY_COUNTRY)
    with page.expect_download() as csv_download:
        page.click(".yasr .yasr_downloadIcon")
    csv = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert "https://w3id.org/clusterkg/id/place/japan" in csv and "7" in csv
    page.click(".yasr .select_response")
    with page.expect_download() as json_download:
        page.click(".yasr .yasr_downloadIcon")
    body = Path(json_download.value.path()).read_text(encoding="utf-8")
    assert '"agglomerations"' in body and '"head"' in body


def test_an_example_query_is_loaded_from_the_list(page: Any) -> None:
    page.wait_for_function("document.querySelectorAll('#examples option').length > 10")
    page.select_option("#examples", label="Triples per named graph")
    assert "GRAPH ?graph" in editor_value(page)
    canned = page.locator("#examples optgroup[label=queries] option").all_inner_texts()
    assert len(canned) >= 20  # the canned queries, by their summary
