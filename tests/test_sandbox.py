"""The query workers have no network: even a SERVICE that got past every check cannot reach a host, and only
the federation worker (there when an allow-list is set) can."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from clusterkg.errors import ServiceForbidden
from clusterkg.store.base import QueryJob
from clusterkg.store.embedded import EmbeddedStore
from clusterkg.store.sandbox import isolate_network


@pytest.fixture
def listener() -> Iterator[tuple[int, list[int]]]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    accepted: list[int] = []

    def accept() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            accepted.append(1)
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    yield sock.getsockname()[1], accepted
    sock.close()


def started(path: Path, federation: bool) -> EmbeddedStore:
    store = EmbeddedStore(path, workers=1, federation=federation)
    store.start()
    return store


def call(port: int, federated: bool = False) -> QueryJob:
    query = f"SELECT * WHERE {{ BIND(1 AS ?x) SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    return QueryJob(query, "json", timeout=10, federated=federated)


def test_this_machine_lets_a_process_leave_the_network() -> None:
    """The isolation the store relies on by default is available here (CI and the development machine)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(isolate_network)


def test_a_worker_cannot_reach_a_listener_whatever_the_query(tmp_path: Path, listener: tuple[int, list[int]]) -> None:
    port, accepted = listener
    store = started(tmp_path / "data", federation=False)
    try:
        assert store.isolates_network
        with pytest.raises(ServiceForbidden):
            asyncio.run(store.query(call(port)))
        with pytest.raises(ServiceForbidden):
            asyncio.run(store.query(call(port, federated=True)))  # no federation worker without an allow-list
    finally:
        store.close()
    assert accepted == []


def test_only_the_federation_worker_reaches_an_endpoint(tmp_path: Path, listener: tuple[int, list[int]]) -> None:
    port, accepted = listener
    store = started(tmp_path / "data", federation=True)
    try:
        with pytest.raises(ServiceForbidden):
            asyncio.run(store.query(call(port)))
        assert accepted == []
        with pytest.raises(Exception, match="query failed"):  # the listener answers nothing useful
            asyncio.run(store.query(call(port, federated=True)))
    finally:
        store.close()
    assert len(accepted) == 1
