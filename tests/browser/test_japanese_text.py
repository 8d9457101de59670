"""Japanese text renders in the browser tests' screenshots: a CJK font is installed (`.ci/system-deps` installs
fonts-noto-cjk) and the pages name it, so labels such as TAMA協会 are drawn with real glyphs, not boxes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from browser_support import offline_context, require_playwright
from conftest import Server

pytestmark = pytest.mark.browser

require_playwright()

STYLE = Path(__file__).resolve().parents[2] / "service" / "clusterkg" / "static" / "style.css"


def japanese_font() -> str:
    """The family fontconfig gives Chromium for Japanese sans-serif text."""
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig is not installed")
    done = subprocess.run(
        ["fc-match", "-f", "%{family}", "sans-serif:lang=ja"], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_a_cjk_font_is_installed_and_the_pages_ask_for_it() -> None:
    family = japanese_font()
    if "CJK" not in family:
        message = f"no CJK font for Japanese (fontconfig gives {family!r}): apt-get install fonts-noto-cjk"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    assert '"Noto Sans CJK JP"' in STYLE.read_text(encoding="utf-8")


def test_a_japanese_label_is_drawn_in_the_cjk_font(chromium_session: Any, site: Server, tmp_path: Path) -> None:
    if "CJK" not in japanese_font():
        pytest.skip("no CJK font installed")
    with offline_context(chromium_session, locale="ja-JP") as (context, _):
        page = context.new_page()
        page.goto(site.url + "/id/org/tama-association")
        label = page.locator('h1 .label[lang="ja"]')
        assert label.inner_text() == "TAMA協会"
        session = context.new_cdp_session(page)
        session.send("DOM.enable")
        session.send("CSS.enable")
        node = session.send(
            "DOM.querySelector",
            {"nodeId": session.send("DOM.getDocument")["root"]["nodeId"], "selector": 'h1 .label[lang="ja"]'},
        )
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
        assert any("CJK" in font["familyName"] for font in fonts), fonts
        page.screenshot(path=str(tmp_path / "tama-association-ja.png"))
