"""Several server processes over one embedded store (``CLUSTERKG_HTTP_WORKERS`` > 1): each reads published
snapshots, the one holding the lock file writes (the others send it their writes), and every process sees
a write at once."""

from __future__ import annotations

import asyncio
import json
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from clusterkg.errors import StoreLocked, StoreUnavailable
from clusterkg.store.base import QueryJob
from clusterkg.store.embedded import EmbeddedStore
from clusterkg.store.shared import SharedVersion, open_for_writing, write_lock
from clusterkg.store.writer import SOCKET_DIR, SOCKET_NAME, Write, WriterRole

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
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


def test_the_first_keeps_the_store_open_for_writing_and_the_second_sends_it_its_writes(
    pair: tuple[EmbeddedStore, EmbeddedStore], tmp_path: Path
) -> None:
    first, second = pair
    assert first.writes_here and not second.writes_here
    outside = EmbeddedStore(tmp_path, workers=0)  # clusterkg load, say: refused while the writer holds the store
    with pytest.raises(StoreLocked, match="in use by another process"):
        outside.start()
    second.update(insert(1))
    assert not second.writes_here  # it was written by the first
    assert count(first, in_worker=False) == count(second, in_worker=False) == 1


def test_the_socket_is_in_a_directory_only_the_services_user_may_enter(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path, workers=0, shared=True)
    store.start()
    try:
        assert stat.S_ISSOCK((tmp_path / SOCKET_DIR / SOCKET_NAME).stat().st_mode)
        assert stat.S_IMODE((tmp_path / SOCKET_DIR).stat().st_mode) == 0o700
    finally:
        store.close()
    assert not (tmp_path / SOCKET_DIR / SOCKET_NAME).exists()


def test_a_case_sent_to_the_writer_arrives_whole_and_its_answer_comes_back(
    pair: tuple[EmbeddedStore, EmbeddedStore],
) -> None:
    _, second = pair
    graph = "https://w3id.org/clusterkg/graph/cases/sent"
    new = ["urn:x:sent"]
    evidence = BlankNode()
    triples = [
        Triple(NamedNode(new[0]), NamedNode(RDF_TYPE), NamedNode("urn:Cluster")),
        Triple(NamedNode(new[0]), NamedNode("urn:p"), Literal("クラスター", language="ja")),
        Triple(NamedNode(new[0]), NamedNode("urn:evidence"), evidence),
        Triple(evidence, NamedNode("urn:quote"), Literal('"quoted"\nline')),
    ]
    assert second.write_case(graph, triples, new) is True
    assert second.write_case(graph + "-again", triples, new) is False  # its resource exists now
    rows = second.query_sync(QueryJob(f"SELECT ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", "json")).body
    values = sorted(row["o"]["value"] for row in json.loads(rows)["results"]["bindings"])
    assert len(values) == 4 and "クラスター" in values and '"quoted"\nline' in values


def test_when_the_writer_closes_the_next_write_makes_another_process_the_writer(
    pair: tuple[EmbeddedStore, EmbeddedStore],
) -> None:
    first, second = pair
    first.update(insert(1))
    first.close()
    second.update(insert(2))
    assert second.writes_here
    assert count(second, in_worker=False) == 2


WRITER = """
import sys, time
from pathlib import Path
from clusterkg.store.embedded import EmbeddedStore
store = EmbeddedStore(Path(sys.argv[1]), workers=0, shared=True)
store.start()
print("writer" if store.writes_here else "not the writer", flush=True)
time.sleep(600)
"""


def test_a_killed_writer_is_replaced_by_the_process_that_writes_next(tmp_path: Path) -> None:
    command = [sys.executable, "-c", WRITER, str(tmp_path)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as writer:
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "writer"
            here = EmbeddedStore(tmp_path, workers=0, shared=True)
            here.start()
            try:
                here.update(insert(1))  # written by the other process
                assert not here.writes_here
                writer.send_signal(signal.SIGKILL)
                writer.wait(10)
                here.update(insert(2))
                assert here.writes_here
                assert count(here, in_worker=False) == 2
            finally:
                here.close()
        finally:
            writer.kill()


def test_a_data_directory_with_a_long_path_still_gets_its_socket(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    first, second = EmbeddedStore(deep, workers=0, shared=True), EmbeddedStore(deep, workers=0, shared=True)
    first.start()
    second.start()
    try:
        second.update(insert(1))
        assert count(first, in_worker=False) == 1
    finally:
        second.close()
        first.close()


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
        assert count(store, in_worker=False) == 1
    finally:
        store.close()


def test_a_write_handle_is_unusable_after_its_block(tmp_path: Path) -> None:
    with open_for_writing(tmp_path / "oxigraph", None) as handle:
        handle.update(insert(7))
    with pytest.raises(Exception, match="no longer open"):
        handle.update(insert(8))


def test_a_socket_that_cannot_be_made_is_reported_by_its_path_and_the_lock_let_go(tmp_path: Path) -> None:
    (tmp_path / SOCKET_DIR).write_text("not a directory")
    store = EmbeddedStore(tmp_path, workers=0, shared=True)
    with pytest.raises(StoreUnavailable, match=f"Cannot listen on {tmp_path / SOCKET_DIR / SOCKET_NAME}"):
        store.start()
    store.close()
    with write_lock(tmp_path, timeout=0.5):  # not held any more
        pass


def test_a_process_that_is_stopping_does_not_become_the_writer(tmp_path: Path) -> None:
    """A write still being sent when its process stops finds no writer: it is refused, not written by a
    process that takes the role on its way out."""
    written: list[Write] = []
    role = WriterRole(tmp_path / "oxigraph", apply=lambda write: written.append(write) is None)
    role.release()
    with pytest.raises(StoreUnavailable, match="stopping"):
        role.send(Write.of_update(insert(1), None), timeout=1.0)
    assert written == [] and not role.holds
    with write_lock(tmp_path, timeout=0.5):  # nobody took it
        pass
