"""Debian's Chromium driven by Playwright, shared by the browser tests (no browser download, ever): one browser
for the session (``chromium_browser``), a fresh context per module that records every request its pages make
(``offline_context``)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

#: Flags for a headless Chromium on a machine whose network is closed: without the background-networking
#: ones it keeps trying to reach Google's hosts.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    configured = os.environ.get("CLUSTERKG_CHROMIUM", "/usr/bin/chromium")
    return configured if Path(configured).exists() else shutil.which("chromium")


def require_playwright() -> ModuleType:
    """Playwright's sync API, once Chromium is known to be there. In CI a missing browser is a failure
    (`.ci/run` installs it); elsewhere the browser tests skip with the command that installs it."""
    if chromium_path() is None:
        message = "Chromium is not installed (apt-get install chromium; .ci/run does it)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message, allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


@contextmanager
def chromium_browser() -> Iterator[Any]:
    """One headless Chromium for the whole test session; each test module opens its own context in it."""
    sync_api = require_playwright()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


#: Schemes that stay inside the page (no network): anything else is a request that must go to 127.0.0.1.
LOCAL_SCHEMES = ("data:", "blob:", "about:")


def outside(url: str) -> bool:
    """True for a request that leaves this machine's loopback address.

    >>> outside("http://127.0.0.1:8000/static/vendor/yasgui.min.js"), outside("data:image/png;base64,AAAA")
    (False, False)
    >>> outside("https://lov.linkeddata.es/dataset/lov/api/v2/autocomplete/terms"), outside("http://127.0.0.1.example.org/")
    (True, True)
    """
    if url.startswith(LOCAL_SCHEMES):
        return False
    parsed = urlsplit(url)
    return parsed.hostname != "127.0.0.1"


class Traffic:
    """Every request the pages of one browser context make, and every response that failed."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.failed: list[str] = []

    def watch(self, context: Any) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", lambda request: self.failed.append(f"failed {request.url}"))
        context.on("response", self._on_response)

    def _on_response(self, response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed.append(f"{response.status} {response.url}")

    @property
    def outside(self) -> list[str]:
        return [url for url in self.requests if outside(url)]


@contextmanager
def offline_context(browser: Any, **options: Any) -> Iterator[tuple[Any, Traffic]]:
    """A fresh browser context (its own storage) in the session's Chromium. On leaving, asserts that no
    request left 127.0.0.1: the pages must work without the internet."""
    traffic = Traffic()
    context = browser.new_context(**options)
    traffic.watch(context)
    try:
        yield context, traffic
    finally:
        context.close()
    assert traffic.outside == [], f"the pages fetched from elsewhere: {traffic.outside}"
