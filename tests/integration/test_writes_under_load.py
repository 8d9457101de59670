"""A running service (one HTTP process, and two) under writes: 4 readers send varied queries and
validations while a case is submitted and deleted every 0.5 s. No answer is a 5xx, every accepted case is
visible to the very next query (from whichever process answers it) and gone after its deletion, no query
sees part of a case, and no answer contradicts what was stored."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import start_server, started_processes
from test_cases import EXAMPLE, TOKEN, TURTLE, auth, graph_sizes, variant

pytestmark = pytest.mark.integration

SECONDS = 12.0
CADENCE = 0.5
QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n) LIMIT 20",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 50",
    "ASK { ?s a <https://w3id.org/clusterkg/ont#Cluster> }",
    "CONSTRUCT WHERE { ?s a <https://w3id.org/clusterkg/ont#Cluster> }",
]


class Record:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.case_sizes: set[int] = set()
        self.problems: list[str] = []

    def status(self, kind: str, response: httpx.Response) -> httpx.Response:
        with self.lock:
            self.statuses[kind, response.status_code] += 1
            if response.status_code >= 500:
                self.problems.append(f"{kind} answered {response.status_code}: {response.text[:200]}")
        return response


def reader(http: httpx.Client, record: Record, stop: float, offset: int) -> None:
    turn = offset
    while time.monotonic() < stop:
        query = QUERIES[turn % len(QUERIES)]
        record.status("query", http.get("/sparql", params={"query": query}))
        sizes = graph_sizes(http)
        with record.lock:
            record.case_sizes.update(sizes.values())
        if turn % 3 == 0:
            record.status("validate", http.post("/validate", content=EXAMPLE, headers=TURTLE))
        turn += 1


def visible(http: httpx.Client, case_id: str) -> bool:
    graph = f"https://w3id.org/clusterkg/graph/cases/{case_id}"
    query = f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    answer = http.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return bool(answer.json()["boolean"])


def writer(http: httpx.Client, record: Record, stop: float) -> int:
    """Submit and delete cases until ``stop``; the number accepted."""
    accepted = 0
    while time.monotonic() < stop:
        started = time.monotonic()
        response = record.status(
            "submit", http.post("/cases", content=variant(f"w{accepted}"), headers={**TURTLE, **auth()})
        )
        if response.status_code != 201:
            record.problems.append(f"a conforming case answered {response.status_code}: {response.text[:200]}")
            continue
        case_id = response.json()["id"]
        accepted += 1
        if not visible(http, case_id):
            record.problems.append(f"case {case_id} answered 201 but the next query did not see it")
        if record.status("delete", http.delete(f"/cases/{case_id}", headers=auth())).status_code != 204:
            record.problems.append(f"case {case_id} could not be deleted")
        elif visible(http, case_id):
            record.problems.append(f"case {case_id} answered 204 to its deletion but the next query still saw it")
        time.sleep(max(0.0, CADENCE - (time.monotonic() - started)))
    return accepted


@pytest.fixture(params=[["--http-workers", "1"], ["--http-workers", "2"]], ids=["one process", "two processes"])
def server_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    env = {"CLUSTERKG_DATA_DIR": str(tmp_path / "data"), "CLUSTERKG_WRITE_TOKEN": TOKEN}
    yield from (server.url for server in start_server(*request.param, env=env, log=tmp_path / "server.log"))


def test_queries_and_validations_racing_writes_never_fail_and_see_each_write_at_once(server_url: str) -> None:
    record = Record()
    stop = time.monotonic() + SECONDS
    with httpx.Client(base_url=server_url, timeout=60) as http:
        threads = [threading.Thread(target=reader, args=(http, record, stop, n)) for n in range(4)]
        for thread in threads:
            thread.start()
        accepted = writer(http, record, stop)
        for thread in threads:
            thread.join()
        left = graph_sizes(http)
    assert not record.problems, record.problems[:5]
    assert accepted >= SECONDS / CADENCE / 4, f"only {accepted} cases accepted in {SECONDS:g} s"
    assert len(record.case_sizes) <= 1, f"a query saw part of a case: sizes {sorted(record.case_sizes)}"
    assert left == {}
    assert record.statuses["query", 200] > 0 and record.statuses["validate", 200] > 0


def writer_processes(data_dir: Path, pids: set[str]) -> set[str]:
    """The processes among ``pids`` that hold the store's write lock open (the writer; the others close it
    when they find it taken)."""
    lock = str(data_dir / "write.lock")
    holders = set()
    for pid in pids:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            if any(os.readlink(fd) == lock for fd in Path(f"/proc/{pid}/fd").iterdir()):
                holders.add(pid)
    return holders


def test_when_the_writing_process_is_killed_another_one_takes_over_its_writes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = {"CLUSTERKG_DATA_DIR": str(data), "CLUSTERKG_WRITE_TOKEN": TOKEN}
    for server in start_server("--http-workers", "2", env=env, log=tmp_path / "server.log"):
        with httpx.Client(base_url=server.url, timeout=60, headers={"Connection": "close"}) as http:
            for turn in range(2):  # a third quick death in a row would stop the service (serving.py)
                pids = started_processes(server, 2 + turn)
                writers = writer_processes(data, pids)
                assert len(writers) == 1, f"writers among {pids}: {writers}"
                os.kill(int(writers.pop()), signal.SIGKILL)
                # until the kernel has closed its listening socket, a connection may still land there
                started_processes(server, 3 + turn)
                for number in range(6):  # new connections: both processes answer some
                    response = http.post("/cases", content=variant(f"k{turn}-{number}"), headers={**TURTLE, **auth()})
                    assert response.status_code == 201, response.text[:300]
                    assert visible(http, response.json()["id"])
