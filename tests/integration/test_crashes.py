"""kill -9 in the middle of writes: during a burst of case submissions every acknowledged case is there and
whole after a restart; during an import the graph is there whole or not at all, and a rerun succeeds; the
store opens every time."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from conftest import VENV_BIN, clusterkg, start_server
from test_cases import PROVENANCE_TRIPLES, TOKEN, TURTLE, auth, graph_sizes, running, variant

pytestmark = pytest.mark.integration

GRAPH = "https://w3id.org/clusterkg/graph/import/crash"
IMPORT_TRIPLES = 150_000
CASE_RESOURCES = 10


@pytest.mark.slow
def test_acknowledged_cases_survive_a_kill_during_a_burst_of_submissions(tmp_path: Path) -> None:
    env = {"CLUSTERKG_DATA_DIR": str(tmp_path / "data"), "CLUSTERKG_WRITE_TOKEN": TOKEN, "CLUSTERKG_QUERY_WORKERS": "1"}
    acknowledged: list[str] = []
    lock = threading.Lock()
    run = start_server(env=env, log=tmp_path / "burst.log")
    server = next(run)
    try:

        def submit(index: int) -> None:
            with httpx.Client(base_url=server.url, timeout=30) as http:
                try:
                    response = http.post("/cases", content=variant(f"burst{index}"), headers={**TURTLE, **auth()})
                except httpx.HTTPError:
                    return  # cut by the kill: not acknowledged
            if response.status_code == 201:
                with lock:
                    acknowledged.append(response.json()["id"])

        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(submit, i) for i in range(200)]
            while len(acknowledged) < 5:
                time.sleep(0.05)
            os.kill(server.process.pid, signal.SIGKILL)
            for future in futures:
                future.result()
    finally:
        run.close()
    assert 5 <= len(acknowledged) < 200  # killed in the middle of the burst
    with running(env, tmp_path / "after.log") as again, httpx.Client(base_url=again.url, timeout=60) as http:
        stored = graph_sizes(http)
    missing = set(acknowledged) - set(stored)
    assert not missing, f"acknowledged but lost: {sorted(missing)[:3]}"
    sizes = set(stored.values())
    assert len(sizes) == 1, f"a case was stored partially: {sorted(sizes)}"
    assert sizes.pop() > PROVENANCE_TRIPLES + CASE_RESOURCES


def write_import(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for start in range(0, IMPORT_TRIPLES, 10_000):
            out.write(
                "".join(
                    f'<http://example.org/s/{i}> <http://example.org/p> "value {i}" .\n'
                    for i in range(start, start + 10_000)
                )
            )


def import_graph_size(env: dict[str, str]) -> int:
    listed = clusterkg("graphs", env=env)
    assert listed.returncode == 0, listed.stderr  # the store opens
    line = next((line for line in listed.stdout.splitlines() if line.endswith(GRAPH)), None)
    return int(line.split()[0]) if line else 0


def test_an_import_killed_mid_way_is_all_or_nothing_and_can_be_run_again(tmp_path: Path) -> None:
    source = tmp_path / "big.ttl"  # Turtle: parsed and written in batches, so there is a middle to kill in
    write_import(source)
    env = {"CLUSTERKG_DATA_DIR": str(tmp_path / "data")}
    command = [str(VENV_BIN / "clusterkg"), "load", str(source), "--graph", GRAPH, "--no-progress"]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    store_files = tmp_path / "data" / "oxigraph"
    while time.monotonic() < deadline and process.poll() is None:
        if store_files.is_dir() and sum(f.stat().st_size for f in store_files.iterdir() if f.is_file()) > 1_000_000:
            break  # the first batches are written
        time.sleep(0.05)
    assert process.poll() is None, "the import finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    partial = import_graph_size(env)
    assert partial < IMPORT_TRIPLES  # read-only, before any clean-up: the import did not finish
    rerun = clusterkg("load", str(source), "--graph", GRAPH, "--no-progress", env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert f"loaded {IMPORT_TRIPLES} triples" in rerun.stdout
    assert import_graph_size(env) == IMPORT_TRIPLES


def test_a_server_start_drops_an_unfinished_import(tmp_path: Path) -> None:
    env = {"CLUSTERKG_DATA_DIR": str(tmp_path / "data"), "CLUSTERKG_QUERY_WORKERS": "1"}
    source = tmp_path / "small.nt"
    source.write_text('<http://example.org/s> <http://example.org/p> "v" .\n', encoding="utf-8")
    assert clusterkg("load", str(source), "--graph", GRAPH, env=env).returncode == 0
    pending = (
        "INSERT DATA { GRAPH <https://w3id.org/clusterkg/graph/meta> { "
        f'<{GRAPH}> <https://w3id.org/clusterkg/meta#importPending> "2026-01-01T00:00:00Z" }} }}'
    )
    import pyoxigraph

    store = pyoxigraph.Store(str(tmp_path / "data" / "oxigraph"))
    store.update(pending)  # as a killed import leaves it
    store.flush()
    del store
    with running(env, tmp_path / "server.log") as server:
        query = urllib.parse.quote(f"ASK {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
        with urllib.request.urlopen(f"{server.url}/sparql?query={query}", timeout=30) as response:
            assert json.load(response)["boolean"] is False
    assert "its import did not finish" in (tmp_path / "server.log").read_text()
