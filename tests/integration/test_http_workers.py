"""``clusterkg serve --http-workers 2``: two HTTP processes over one embedded store, both answering."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Server, start_server, started_processes, write_sources

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
    assert len(started_processes(server, 2)) == 2
    answers = {count(server) for _ in range(40)}
    assert len(answers) == 1 and answers.pop() > 0


def test_the_store_was_built_once_before_the_processes_started(server: Server) -> None:
    log = Path(server.log).read_text()
    assert log.count("loaded,") == 1  # the build summary: written by the parent, not by each process


def sockets_of(pid: str) -> int:
    fds = Path(f"/proc/{pid}/fd")
    count = 0
    for fd in fds.iterdir():
        with contextlib.suppress(OSError):
            count += os.readlink(fd).startswith("socket:")
    return count


def settled_sockets(pids: list[str], timeout: float = 30.0) -> dict[str, int]:
    """The sockets of each process once their number stays the same for half a second (a process that has
    just started may still be opening or closing some of its own)."""
    deadline = time.monotonic() + timeout
    counts = {pid: sockets_of(pid) for pid in pids}
    while time.monotonic() < deadline:
        time.sleep(0.5)
        latest = {pid: sockets_of(pid) for pid in pids}
        if latest == counts:
            break
        counts = latest
    return counts


def test_connections_opened_at_once_are_spread_over_both_processes(server: Server) -> None:
    """Each process listens on a socket of its own (SO_REUSEPORT): a client that opens all its
    connections at once does not get them all accepted by whichever process woke first."""
    pids = sorted(started_processes(server, 2))
    before = settled_sockets(pids)
    host, port = server.url.removeprefix("http://").split(":")
    connections = [socket.create_connection((host, int(port)), timeout=10) for _ in range(32)]
    try:
        for sock in connections:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for sock in connections:
            assert sock.recv(65536).startswith(b"HTTP/1.1 200")
        accepted = {pid: sockets_of(pid) - before[pid] for pid in pids}
    finally:
        for sock in connections:
            sock.close()
    assert sum(accepted.values()) == 32
    assert all(count > 0 for count in accepted.values()), accepted


def test_an_http_process_that_ends_is_started_again(server: Server) -> None:
    pids = started_processes(server, 2)
    victim = sorted(pids)[0]
    os.kill(int(victim), signal.SIGKILL)
    assert len(started_processes(server, 3)) == 3
    answers = {count(server) for _ in range(20)}
    assert len(answers) == 1
