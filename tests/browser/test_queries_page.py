"""The questions page in a real headless Chromium: pick a canned query, run it, see rows and a drawn chart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import offline_context, require_playwright
from conftest import REPO, Server

pytestmark = pytest.mark.browser

CHART_JS = REPO / "service" / "clusterkg" / "static" / "vendor" / "chart.umd.js"

require_playwright()

# Painted pixels of the chart canvas (alpha > 0): a blank canvas has none.
PAINTED = """() => {
  const canvas = document.getElementById('chart');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
  return painted;
}"""


@pytest.fixture(scope="module")
def page(site: Server, chromium_session: Any) -> Iterator[object]:
    assert CHART_JS.is_file(), "Chart.js is missing: `make install` copies it from web/node_modules"
    with offline_context(chromium_session) as (context, _):
        the_page = context.new_page()
        the_page.goto(site.url + "/questions")
        the_page.wait_for_function("document.querySelectorAll('#question option').length > 10")
        yield the_page


def run_question(p: object, name: str | None = None) -> None:
    """Pick the question (unless ``name`` is None: the one on show, with its filled form) and run it."""
    if name is not None:
        p.select_option("#question", value=name)  # type: ignore[attr-defined]
    p.evaluate("document.querySelector('#status').textContent = ''")  # type: ignore[attr-defined]
    p.click("#ask")  # type: ignore[attr-defined]
    p.wait_for_function("document.querySelector('#status').textContent.includes('row')")  # type: ignore[attr-defined]


def test_membership_over_time_draws_a_line_chart(page: object, tmp_path: Path) -> None:
    p = page
    p.select_option("#question", value="membership-over-time")  # type: ignore[attr-defined]
    assert p.input_value("#param-org").endswith("/org/tama-association")  # type: ignore[attr-defined]
    p.select_option("#param-lang", value="ja")  # type: ignore[attr-defined]
    run_question(p)
    cells = p.locator("#results tbody td").all_inner_texts()  # type: ignore[attr-defined]
    assert "597" in cells and "TAMA協会" in cells
    chart = p.evaluate(  # type: ignore[attr-defined]
        "() => ({type: window.questionsChart.config.type,"
        " points: window.questionsChart.data.datasets.reduce((n, d) => n + d.data.filter(v => v !== null).length, 0),"
        " labels: window.questionsChart.data.labels})"
    )
    assert chart["type"] == "line" and chart["points"] >= 8 and "2004-01-05" in chart["labels"]
    assert p.evaluate(PAINTED) > 1000  # type: ignore[attr-defined]
    p.screenshot(path=str(tmp_path / "membership.png"), full_page=True)  # type: ignore[attr-defined]


def test_comparison_and_breakdown_charts(page: object) -> None:
    p = page
    run_question(p, "compare-indicators")
    assert p.evaluate("window.questionsChart.data.datasets.length") == 2  # type: ignore[attr-defined]
    assert p.evaluate(PAINTED) > 1000  # type: ignore[attr-defined]
    run_question(p, "membership-breakdown")
    assert p.evaluate("window.questionsChart.config.type") == "pie"  # type: ignore[attr-defined]
    assert p.evaluate("window.questionsChart.data.datasets[0].data.reduce((a, b) => a + b, 0)") == 597  # type: ignore[attr-defined]


def test_a_bad_parameter_shows_the_error(page: object) -> None:
    p = page
    p.select_option("#question", value="membership-over-time")  # type: ignore[attr-defined]
    p.fill("#param-org", 'x" } UNION { ?s ?p ?o } #')  # type: ignore[attr-defined]
    p.click("#ask")  # type: ignore[attr-defined]
    p.wait_for_selector("#error:not([hidden])")  # type: ignore[attr-defined]
    assert "bad_parameter" in p.inner_text("#error")  # type: ignore[attr-defined]
