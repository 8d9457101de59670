"""``clusterkg serve --http-workers 2``: two HTTP processes over one embedded store, both answering."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Server, start_server, write_sources

pytestmark = pytest.mark.integration

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("workers")
    env = {"CLUSTERKG_DATA_DIR": str(root / "data"), "CLUSTERKG_SOURCE_DIR": str(write_sources(root / "src"))}
    yield from start_server("--http-workers", "2", "--workers", "1", env=env, log=root / "server.log")


def count(server: Server) -> int:
    url = f"{server.url}/sparql?query={urllib.parse.quote(COUNT)}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(json.load(response)["results"]["bindings"][0]["n"]["value"])


def test_both_processes_answer_the_same(server: Server) -> None:
    answers = {count(server) for _ in range(40)}
    assert len(answers) == 1 and answers.pop() > 0
    pids = {
        line.split("[")[1].split("]")[0]
        for line in Path(server.log).read_text().splitlines()
        if "Started server process" in line
    }
    assert len(pids) == 2


def test_the_store_was_built_once_before_the_processes_started(server: Server) -> None:
    log = Path(server.log).read_text()
    assert log.count("loaded,") == 1  # the build summary: written by the parent, not by each process
