"""Fixtures for the service tests: tiny source trees, settings, an app client, free ports, a running server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent

ONTOLOGY_TTL = """@prefix ex: <https://w3id.org/clusterkg/ont#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/clusterkg/ont> a owl:Ontology .
ex:Cluster a owl:Class ; rdfs:label "Cluster"@en , "クラスター"@ja .
"""
SHAPES_TTL = """@prefix sh: <http://www.w3.org/ns/shacl#> .
<https://w3id.org/clusterkg/shapes#ClusterShape> a sh:NodeShape .
"""
ALPHA_TTL = """@prefix ex: <https://w3id.org/clusterkg/ont#> .
@prefix id: <https://w3id.org/clusterkg/id/agglomeration/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
id:tama a ex:Cluster ; rdfs:label "TAMA"@en , "首都圏西部"@ja ; ex:members 300 .
id:kyushu a ex:Cluster ; rdfs:label "Kyushu, \\"Silicon Island\\""@en ; ex:note "tab\\there" .
"""
BETA_TTL = """@prefix ex: <https://w3id.org/clusterkg/ont#> .
@prefix id: <https://w3id.org/clusterkg/id/agglomeration/> .
id:berlin a ex:Cluster ; ex:partner [ ex:name "anonymous partner" ] .
"""
EXAMPLE_RQ = "# Clusters by label\nSELECT ?c ?label WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n"

#: Triples in the union of the fixture graphs (ontology 4 + alpha 7 + beta 3), without the manifest.
FIXTURE_TRIPLES = 14


def write_sources(root: Path) -> Path:
    files = {
        "ontology/test.ttl": ONTOLOGY_TTL,
        "ontology/shapes/test-shapes.ttl": SHAPES_TTL,
        "data/ttl/alpha.ttl": ALPHA_TTL,
        "data/ttl/sub/beta.ttl": BETA_TTL,
        "queries/clusters.rq": EXAMPLE_RQ,
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    return write_sources(tmp_path / "src")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_http(url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process serving {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2.0):
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def clusterkg(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the console script of this environment."""
    return subprocess.run(
        [str(VENV_BIN / "clusterkg"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        timeout=120,
        check=False,
    )


class Server:
    def __init__(self, process: subprocess.Popen[bytes], url: str, log: Path) -> None:
        self.process = process
        self.url = url
        self.log = log


def started_processes(server: Server, wanted: int, timeout: float = 90.0) -> set[str]:
    """The HTTP processes that finished starting, waiting until ``wanted`` have (or the timeout): the second
    one may still be importing the service when the first already answers."""
    deadline = time.monotonic() + timeout
    while True:
        lines = Path(server.log).read_text().splitlines()
        pids = {line.split("[")[1].split("]")[0] for line in lines if "Started server process" in line}
        if len(pids) >= wanted or time.monotonic() > deadline:
            return pids
        time.sleep(0.2)


def start_server(*args: str, env: dict[str, str], log: Path) -> Iterator[Server]:
    """``clusterkg serve``: one HTTP process (so that killing it kills the service) unless ``args`` or
    ``env`` say how many."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(VENV_BIN / "clusterkg"), "serve", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "CLUSTERKG_HTTP_WORKERS": "1", **env},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/health", process)
        yield Server(process, url, log)
    finally:
        stop(process)


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """A real Oxigraph server (the `oxigraph` package's CLI) on a free 127.0.0.1 port over ``location``,
    with the union of its named graphs as default graph, as the README asks of a remote server.
    Yields its base URL (`/query`, `/update`, `/store` below it)."""
    port = free_port()
    command = [str(VENV_BIN / "oxigraph"), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*command, "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(base + "/query?query=ASK%7B%7D", process)
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One service on the repository's own sources, shared by the browser tests."""
    root = tmp_path_factory.mktemp("site")
    yield from start_server(env={"CLUSTERKG_DATA_DIR": str(root / "data")}, log=root / "server.log")


@pytest.fixture(scope="session")
def chromium_session() -> Iterator[object]:
    """One headless Chromium for every browser test (see browser_support)."""
    from browser_support import chromium_browser

    with chromium_browser() as browser:
        yield browser


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that drive the session's Chromium run last: Playwright's synchronous API keeps an event loop
    running in this thread while the browser is open, and tests that call ``asyncio.run`` cannot run then."""
    items.sort(key=lambda item: "chromium_session" in getattr(item, "fixturenames", ()))
