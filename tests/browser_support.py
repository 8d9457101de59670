"""Debian's Chromium driven by Playwright, shared by the browser tests (no browser download, ever)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

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
def chromium(base_url: str, profile: Path, **launch: Any) -> Iterator[Any]:
    """A browser context with a fresh profile. On leaving, asserts that nothing was fetched from anywhere
    but ``base_url``: the pages must work without the internet."""
    sync_api = require_playwright()
    requests: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=chromium_path(), args=ARGS, headless=True, **launch
        )
        context.on("request", lambda request: requests.append(request.url))
        try:
            yield context
        finally:
            context.close()
    outside = [url for url in requests if not url.startswith(base_url)]
    assert outside == [], f"the page fetched from elsewhere: {outside}"
