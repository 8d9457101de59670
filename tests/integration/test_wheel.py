"""The built wheel carries everything the service serves: the ontology and data (installed elsewhere, it builds a
store from any directory) and every browser asset its pages load (YASGUI, Chart.js, their licences), so that
each page of a pip-installed service loads without a missing file."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser_support import offline_context
from conftest import REPO, Server, free_port, stop, wait_for_http

pytestmark = pytest.mark.integration

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGES = ["/", "/questions", "/validate", "/id/org/tama-association", "/concept/support-function/matchmaking", "/ont"]
VENDOR = ["chart.umd.js", "yasgui.min.js", "yasgui.min.css", "THIRD-PARTY-NOTICES.txt"]
ASSET = re.compile(r'<(?:script|link)\b[^>]*?\b(?:src|href)="(/[^"]*)"')


def run(*args: str | Path, cwd: Path | str | None = None) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel as `pip wheel .` builds it (the build hook installs the browser libraries from npm)."""
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "--quiet", "-w", dist)
    (built,) = dist.glob("clusterkg-*.whl")
    return built


@pytest.fixture(scope="session")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with clusterkg installed from the wheel only."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-deps", wheel)
    # The dependencies come from this environment; clusterkg itself only from the wheel.
    site = Path(sysconfig.get_paths()["purelib"])
    (next((venv / "lib").glob("python3*/site-packages")) / "deps.pth").write_text(f"{site}\n", encoding="utf-8")
    return venv


@pytest.fixture(scope="session")
def installed(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The installed service, started from outside any checkout."""
    port = free_port()
    log = tmp_path_factory.mktemp("installed") / "server.log"
    data_dir = log.parent / "store"
    command = [venv / "bin" / "clusterkg", "serve", "--port", str(port), "--data-dir", data_dir]
    with log.open("wb") as out:
        process = subprocess.Popen([str(a) for a in command], stdout=out, stderr=subprocess.STDOUT, cwd="/")
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", process, timeout=120)
        yield Server(process, f"http://127.0.0.1:{port}", log)
    finally:
        stop(process)


def fetch(url: str, accept: str = "*/*") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_wheel_carries_the_browser_assets_and_their_licences(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"clusterkg/static/vendor/{name}" for name in VENDOR} <= names
    assert {"clusterkg/templates/base.html", "clusterkg/linkeddata/completions.rq"} <= names
    notices = zipfile.ZipFile(wheel).read("clusterkg/static/vendor/THIRD-PARTY-NOTICES.txt").decode("utf-8")
    assert "@zazuko/yasgui 4.6.2 (MIT)" in notices and "chart.js" in notices


def test_installed_wheel_builds_the_store_from_anywhere(venv: Path, tmp_path: Path) -> None:
    where = run(venv / "bin" / "python", "-c", "import clusterkg.sources as r; print(r.locate().root)", cwd="/")
    assert where.strip().startswith(str(venv)), where
    data_dir = tmp_path / "store"
    built = run(venv / "bin" / "clusterkg", "build", "--data-dir", data_dir, cwd="/")
    assert "0 unchanged" in built
    graphs = run(
        venv / "bin" / "clusterkg", "sparql", "--data-dir", data_dir, "--format", "csv",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", cwd="/",
    )  # fmt: skip
    assert "https://w3id.org/clusterkg/graph/ontology/clusterkg" in graphs.splitlines()
    expected = len(list((REPO / "ontology").glob("*.ttl"))) + len(list((REPO / "data/ttl").glob("**/*.ttl")))
    assert len(graphs.strip().splitlines()) - 1 == expected + 1  # each file its own graph, plus the manifest


@pytest.mark.parametrize("path", PAGES)
def test_each_page_of_the_installed_service_loads_every_asset(installed: Server, path: str) -> None:
    status, body = fetch(installed.url + path, BROWSER_ACCEPT)
    assert status == 200
    assets = sorted(set(ASSET.findall(body.decode("utf-8"))))
    assert "/static/style.css" in assets or path == "/ont"  # the ontology's page is pyLODE's own
    missing = [(asset, code) for asset in assets if (code := fetch(installed.url + asset)[0]) != 200]
    assert missing == []


def test_the_installed_query_page_references_yasgui_and_chart_js(installed: Server) -> None:
    _, body = fetch(installed.url + "/", BROWSER_ACCEPT)
    assets = set(ASSET.findall(body.decode("utf-8")))
    assert {"/static/vendor/yasgui.min.js", "/static/vendor/yasgui.min.css", "/static/vendor/chart.umd.js"} <= assets
    _, questions = fetch(installed.url + "/questions", BROWSER_ACCEPT)
    assert "/static/vendor/chart.umd.js" in set(ASSET.findall(questions.decode("utf-8")))


@pytest.mark.browser
def test_the_installed_pages_work_in_chromium(installed: Server, chromium_session: Any) -> None:
    with offline_context(chromium_session) as (context, traffic):
        page = context.new_page()
        page.goto(installed.url + "/")
        page.wait_for_selector(".yasgui .CodeMirror")
        page.evaluate("() => { const y = window.yasgui.getTab().getYasqe(); y.setValue('SELECT * WHERE { ?c a '); y.focus(); y.setCursor(0, 1e6); }")  # fmt: skip
        page.keyboard.type("ckg:Clu")
        page.keyboard.press("Control+Space")
        page.wait_for_selector(".CodeMirror-hints li")
        assert page.locator(".CodeMirror-hints li").first.inner_text() == "ckg:Cluster  —  cluster / クラスター"
        page.goto(installed.url + "/questions")
        page.wait_for_function("document.querySelectorAll('#question option').length > 10")
        page.select_option("#question", value="membership-over-time")
        page.click("#ask")
        page.wait_for_function("window.questionsChart && window.questionsChart.data.labels.length > 0")
        assert traffic.failed == []
