"""Readers of the embedded store open only published, immutable snapshots (``store/snapshots.py``): never the
directory a process writes, which pyoxigraph leaves undefined. Queries racing writes (and the compactions
that follow many small writes) never fail, see a case whole or not at all, and see every write that
answered at once, with one server process or two."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, Triple
from pyoxigraph import Store as OxStore

from clusterkg.errors import StoreLocked
from clusterkg.store.base import QueryJob
from clusterkg.store.embedded import EmbeddedStore
from clusterkg.store.snapshots import SnapshotReader, acquire, current_number, prune, publish

CASES = "https://w3id.org/clusterkg/graph/cases/"
CASE_TRIPLES = 40
SIZES = (
    f'SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{CASES}")) }} GROUP BY ?g'
)
VARIED = [
    SIZES,
    f'SELECT * WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{CASES}")) }}',
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
    "ASK { ?s a ?type }",
    "CONSTRUCT WHERE { ?s <urn:p:label> ?o }",
]


def one_quad(store: OxStore, number: int) -> None:
    store.add(Quad(NamedNode(f"urn:s:{number}"), NamedNode("urn:p"), Literal(str(number)), NamedNode("urn:g")))


def test_publishing_makes_a_new_current_snapshot_and_removes_the_unheld_old_one(tmp_path: Path) -> None:
    store, root = OxStore(str(tmp_path / "db")), tmp_path / "snapshots"
    one_quad(store, 1)
    first = publish(store, root)
    one_quad(store, 2)
    second = publish(store, root)
    assert second == first + 1 == current_number(root)
    assert sorted(path.name for path in root.iterdir()) == [f"{second:012d}", f"{second:012d}.lock", "current"]
    assert len(OxStore.read_only(str(root / f"{second:012d}"))) == 2


def test_a_held_snapshot_stays_until_its_reader_moves_on(tmp_path: Path) -> None:
    store, root = OxStore(str(tmp_path / "db")), tmp_path / "snapshots"
    one_quad(store, 1)
    publish(store, root)
    reader = SnapshotReader(root)
    view = reader.refresh()
    held = reader.number
    for number in (2, 3):
        one_quad(store, number)
        publish(store, root)
    assert (root / f"{held:012d}").is_dir() and len(view) == 1  # still readable, still what it was
    assert len(reader.refresh()) == 3 and reader.number == current_number(root)
    assert not (root / f"{held:012d}").exists()  # released, so removed
    reader.close()


def test_a_snapshot_one_thread_reads_stays_while_another_thread_moves_on(tmp_path: Path) -> None:
    store, root = OxStore(str(tmp_path / "db")), tmp_path / "snapshots"
    one_quad(store, 1)
    publish(store, root)
    reader = SnapshotReader(root)
    reader.refresh()
    with reader.reading() as view:
        first = reader.number
        one_quad(store, 2)
        publish(store, root)
        assert len(reader.refresh()) == 2  # another thread moved on
        one_quad(store, 3)
        publish(store, root)  # and the writer removed what nobody holds
        assert (root / f"{first:012d}").is_dir() and len(view) == 1
    assert not (root / f"{first:012d}").exists()  # released once the read ended
    reader.close()


def test_a_reader_that_read_current_before_a_removal_reads_it_again(tmp_path: Path) -> None:
    store, root = OxStore(str(tmp_path / "db")), tmp_path / "snapshots"
    publish(store, root)
    stale = current_number(root)
    publish(store, root)
    assert stale is not None and not (root / f"{stale:012d}").exists()
    held = acquire(root)
    assert held.number == stale + 1 and held.path.is_dir()
    assert prune(root) == []  # the current one is never removed
    held.release()


def open_files(pid: int) -> list[str]:
    fds = Path(f"/proc/{pid}/fd")
    return [os.readlink(fd) for fd in fds.iterdir() if not os.readlink(fd).startswith(("pipe:", "socket:"))]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads a process's open files from /proc")
@pytest.mark.parametrize("replica_bytes", [0, 64 * 2**20], ids=["on disk", "copied into memory"])
def test_query_workers_never_open_the_directory_being_written(tmp_path: Path, replica_bytes: int) -> None:
    store = EmbeddedStore(tmp_path, workers=1, replica_bytes=replica_bytes)
    store.start()
    try:
        store.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }")
        result = asyncio.run(store.query(QueryJob("SELECT * WHERE { ?s ?p ?o }", "csv")))
        assert result.count == 1
        assert store._pool is not None
        (worker,) = store._pool._all
        files = open_files(worker.process.pid)
        if not replica_bytes:  # a worker that copies the snapshot lets go of its files once copied
            assert any(name.startswith(str(store.snapshots)) for name in files)
        assert not [name for name in files if name.startswith(str(store.path))]
    finally:
        store.close()


# --- queries racing writes --------------------------------------------------------------------------


def case_triples(number: int) -> list[Triple]:
    subject = NamedNode(f"urn:case:{number}")
    triples = [
        Triple(subject, NamedNode("urn:p:label"), Literal(f"case {number} fact {i}")) for i in range(1, CASE_TRIPLES)
    ]
    return [
        Triple(subject, NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), NamedNode("urn:Case")),
        *triples,
    ]


def query(store: EmbeddedStore, text: str, fmt: str = "csv") -> bytes:
    return asyncio.run(store.query(QueryJob(text, fmt, timeout=30.0))).body


def sizes(store: EmbeddedStore) -> dict[str, int]:
    lines = query(store, SIZES).decode().split("\r\n")[1:]
    return {line.split(",")[0]: int(line.split(",")[1]) for line in lines if line}


def visible(store: EmbeddedStore, graph: str) -> bool:
    return b"true" in query(store, f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", "json")


def readers(store: EmbeddedStore, stop: threading.Event, problems: list[str]) -> list[threading.Thread]:
    def read(offset: int) -> None:
        turn = offset
        while not stop.is_set():
            try:
                query(store, VARIED[turn % len(VARIED)])
                partial = {g: n for g, n in sizes(store).items() if n != CASE_TRIPLES}
                if partial:
                    problems.append(f"a query saw part of a case: {partial}")
            except Exception as error:  # noqa: BLE001 - every failure is what the test looks for
                problems.append(f"{type(error).__name__}: {error}")
            turn += 1

    return [threading.Thread(target=read, args=(offset,)) for offset in range(4)]


def race(writer: EmbeddedStore, reader: EmbeddedStore, rounds: int) -> list[str]:
    """Readers query ``reader`` while cases are written to and dropped from ``writer``; what went wrong."""
    problems: list[str] = []
    stop = threading.Event()
    threads = readers(reader, stop, problems)
    for thread in threads:
        thread.start()
    try:
        for number in range(rounds):
            graph = f"{CASES}c{number}"
            assert writer.write_case(graph, case_triples(number), [f"urn:case:{number}"])
            if not visible(reader, graph):
                problems.append(f"case {number} was written but the next query did not see it")
            writer.drop_graph(graph)
            if visible(reader, graph):
                problems.append(f"case {number} was dropped but the next query still saw it")
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return problems


@pytest.fixture
def one_process(tmp_path: Path) -> Iterator[tuple[EmbeddedStore, EmbeddedStore]]:
    store = EmbeddedStore(tmp_path, workers=2)
    store.start()
    yield store, store
    store.close()


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[EmbeddedStore, EmbeddedStore]]:
    """As two HTTP processes hold the store: one writes, the other answers queries through its workers."""
    writer, reader = EmbeddedStore(tmp_path, workers=0, shared=True), EmbeddedStore(tmp_path, workers=2, shared=True)
    writer.start()
    reader.start()
    yield writer, reader
    reader.close()
    writer.close()


@pytest.mark.parametrize("mode", ["one_process", "two_processes"])
def test_queries_racing_writes_never_fail_and_see_whole_cases_at_once(
    mode: str, request: pytest.FixtureRequest
) -> None:
    writer, reader = request.getfixturevalue(mode)
    started = time.monotonic()
    problems = race(writer, reader, rounds=120)
    assert not problems, f"{len(problems)} problems in {time.monotonic() - started:.1f} s: {problems[:5]}"
    assert sizes(reader) == {}
    snapshots = [path for path in writer.snapshots.iterdir() if path.is_dir()]
    assert len(snapshots) <= 3  # the old ones were removed as their readers moved on


def test_in_process_reads_of_a_shared_store_follow_writes(two_processes: tuple[EmbeddedStore, EmbeddedStore]) -> None:
    writer, reader = two_processes
    count: Callable[[], int] = reader.triple_count
    before = count()
    writer.write_case(f"{CASES}x", case_triples(0), [])
    assert count() == before + CASE_TRIPLES


def test_a_command_writing_while_no_server_process_writes_is_seen_by_them(
    two_processes: tuple[EmbeddedStore, EmbeddedStore], tmp_path: Path
) -> None:
    writer, reader = two_processes
    assert sizes(reader) == {} and reader.triple_count() == 0  # its workers and its own view are open
    command = EmbeddedStore(tmp_path, workers=0)  # clusterkg load, say: it opens the store for writing
    with pytest.raises(StoreLocked):
        command.start()  # not while a server process holds it
    writer.close()  # the writer ended: until a process writes again, nobody holds the store
    command.start()
    try:
        command.write_case(f"{CASES}loaded", case_triples(1), [])
    finally:
        command.close()
    assert sizes(reader) == {f"{CASES}loaded": CASE_TRIPLES}
    assert reader.triple_count() == CASE_TRIPLES
