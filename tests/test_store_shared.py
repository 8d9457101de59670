"""Several server processes over one embedded store (``CLUSTERKG_HTTP_WORKERS`` > 1): each reads published
snapshots, writes take turns under a lock file, and every process sees a write at once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from clusterkg.errors import StoreLocked
from clusterkg.store.base import QueryJob
from clusterkg.store.embedded import EmbeddedStore
from clusterkg.store.shared import SharedVersion, write_lock

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def insert(number: int) -> str:
    return f"INSERT DATA {{ GRAPH <https://w3id.org/clusterkg/graph/cases/t> {{ <urn:x:{number}> <urn:p> {number} }} }}"


def count(store: EmbeddedStore, in_worker: bool) -> int:
    job = QueryJob(COUNT, "csv")
    result = asyncio.run(store.query(job)) if in_worker else store.query_sync(job)
    return int(result.body.decode().split()[1])


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[EmbeddedStore, EmbeddedStore]]:
    """Two stores as two server processes would hold them: the first with a query worker."""
    first = EmbeddedStore(tmp_path, workers=1, shared=True)
    second = EmbeddedStore(tmp_path, workers=0, shared=True)
    first.start()
    second.start()
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def test_neither_keeps_the_store_open_for_writing(pair: tuple[EmbeddedStore, EmbeddedStore], tmp_path: Path) -> None:
    outside = EmbeddedStore(tmp_path, workers=0)  # clusterkg build, say: it can open the store for writing
    outside.start()
    outside.close()


def test_a_write_in_one_is_seen_by_the_other(pair: tuple[EmbeddedStore, EmbeddedStore]) -> None:
    first, second = pair
    assert count(first, in_worker=True) == count(second, in_worker=False) == 0
    version = first.data_version
    second.update(insert(1))
    assert first.data_version == second.data_version == version + 1
    assert count(first, in_worker=True) == 1  # its query worker moved to the new snapshot
    assert count(first, in_worker=False) == 1  # and so did its own reads
    first.update(insert(2))
    assert count(second, in_worker=False) == 2


def test_writes_take_turns(pair: tuple[EmbeddedStore, EmbeddedStore]) -> None:
    first, second = pair
    threads = [threading.Thread(target=store.update, args=(insert(n),)) for n, store in enumerate([first, second] * 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert count(first, in_worker=False) == 10
    assert first.data_version == second.data_version


def test_a_held_lock_times_out_as_store_locked(tmp_path: Path) -> None:
    with write_lock(tmp_path, timeout=1.0), pytest.raises(StoreLocked), write_lock(tmp_path, timeout=0.05):
        pass


def test_version_is_shared_through_the_file(tmp_path: Path) -> None:
    one, two = SharedVersion(tmp_path), SharedVersion(tmp_path)
    start = one.value
    assert two.bump() == start + 1 and one.value == start + 1
    one.close()
    two.close()


def test_the_store_stays_readable_after_the_write_block(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path, workers=0, shared=True)
    store.start()
    try:
        with store.writing() as handle:
            handle.update(insert(7))
        with pytest.raises(Exception, match="no longer open"):
            handle.update(insert(8))
        assert count(store, in_worker=False) == 1
    finally:
        store.close()
