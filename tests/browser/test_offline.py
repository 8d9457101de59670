"""Every page works without the internet: each request it makes goes to 127.0.0.1 and no asset is missing.

Each page is opened in a fresh browser context that records every request; the SPARQL page also completes a
term and runs a query, the validation form validates an example, so their own calls are recorded too.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser_support import Traffic, offline_context, outside, require_playwright
from conftest import Server

pytestmark = pytest.mark.browser

require_playwright()

PAGES = [
    "/",
    "/questions",
    "/validate",
    "/id/org/tama-association",
    "/id/place/berlin",
    "/concept/support-function/matchmaking",
    "/ont",
    "/docs",
    "/no/such/page",  # the error page
]


def use_the_page(page: Any, path: str) -> None:
    """What a person does first on the page, so that its own requests are made too."""
    if path == "/":
        page.wait_for_selector(".yasgui .CodeMirror")
        page.evaluate(
            "() => { const y = window.yasgui.getTab().getYasqe(); y.setValue('SELECT * WHERE { ?c a '); y.focus(); y.setCursor(0, 1e6); }"
        )
        page.keyboard.type("ckg:Clu")
        page.keyboard.press("Control+Space")
        page.wait_for_selector(".CodeMirror-hints li")
        page.keyboard.press("Escape")
        page.evaluate(
            "() => { window.yasgui.getTab().setQuery('SELECT * WHERE { ?s ?p ?o } LIMIT 3'); window.yasgui.getTab().query(); }"
        )
        page.wait_for_selector(".yasr tbody tr")
    elif path == "/questions":
        page.wait_for_function("document.querySelectorAll('#question option').length > 10")
        page.click("#ask")
        page.wait_for_function("document.querySelector('#status').textContent.includes('row')")
    elif path == "/validate":
        page.select_option("#invalid-examples", index=1)
        page.wait_for_selector("#verdict:not([hidden])", timeout=30_000)


@pytest.mark.parametrize("path", PAGES)
def test_no_request_leaves_this_machine_and_no_asset_is_missing(chromium_session: Any, site: Server, path: str) -> None:
    with offline_context(chromium_session) as (context, traffic):
        page = context.new_page()
        response = page.goto(site.url + path)
        assert response.status == (404 if path == "/no/such/page" else 200)
        use_the_page(page, path)
        page.wait_for_load_state("networkidle")
        assert traffic.requests, "no request was recorded"
        check(traffic)


def check(traffic: Traffic) -> None:
    assert [url for url in traffic.requests if outside(url)] == []
    assert traffic.failed == []


def test_a_request_elsewhere_is_caught(chromium_session: Any, site: Server) -> None:
    """The check itself: a page that asks for an outside address is reported (the request is answered here)."""
    traffic = Traffic()
    context = chromium_session.new_context()
    traffic.watch(context)
    context.route("https://lov.linkeddata.es/**", lambda route: route.fulfill(status=200, body="[]"))
    try:
        page = context.new_page()
        page.goto(site.url + "/validate")
        page.evaluate(
            "() => fetch('https://lov.linkeddata.es/dataset/lov/api/v2/autocomplete/terms?q=x').catch(() => null)"
        )
    finally:
        context.close()
    assert traffic.outside == ["https://lov.linkeddata.es/dataset/lov/api/v2/autocomplete/terms?q=x"]
