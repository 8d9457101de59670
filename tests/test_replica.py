"""Readers of a small store read their own in-memory copy of the published snapshot (``store/replica.py``):
they copy it once, in the background, and follow each write by the named graphs it changed; they read
the snapshot on disk until the copy is made and whenever a write cannot say what it changed; a query sees
a write whole or not at all; and a store too large to copy is read on disk."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad
from pyoxigraph import Store as OxStore

from clusterkg.store import replica as replica_module
from clusterkg.store import snapshots as snapshots_module
from clusterkg.store.replica import ReplicaReader
from clusterkg.store.snapshots import KEPT_CHANGES, change_updates, current_number, publish

CASES = "urn:graph:case:"


def case_quads(graph: str, size: int, mark: str = "") -> list[Quad]:
    return [
        Quad(NamedNode(f"{graph}/s{i}"), NamedNode("urn:p"), Literal(f"{mark}{i}"), NamedNode(graph))
        for i in range(size)
    ]


def count(store: OxStore, graph: str) -> int:
    solutions = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(solutions))[0].value)


class Writer:
    """The one writer: writes, then publishes a snapshot recording what it changed (or nothing)."""

    def __init__(self, tmp_path: Path) -> None:
        self.store = OxStore(str(tmp_path / "db"))
        self.root = tmp_path / "snapshots"

    def add(self, graph: str, size: int, *, record: bool = True, mark: str = "") -> int:
        self.store.extend(case_quads(graph, size, mark))
        return publish(self.store, self.root, [graph] if record else None)

    def drop(self, graph: str, *, record: bool = True) -> int:
        self.store.remove_graph(NamedNode(graph))
        return publish(self.store, self.root, [graph] if record else None)


@pytest.fixture
def writer(tmp_path: Path) -> Writer:
    writer = Writer(tmp_path)
    writer.add(f"{CASES}base", 100, record=False)
    return writer


@pytest.fixture
def copies(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many full copies readers made."""
    made: list[int] = []
    copy_of = replica_module.copy_of

    def counting(snapshot: OxStore) -> OxStore:
        made.append(len(snapshot))
        return copy_of(snapshot)

    monkeypatch.setattr(replica_module, "copy_of", counting)
    return made


@pytest.fixture
def reader(writer: Writer) -> Iterator[ReplicaReader]:
    reader = ReplicaReader(writer.root)
    reader.refresh()
    assert reader.wait_for_copy(30)
    yield reader
    reader.close()


def test_a_small_snapshot_is_copied_into_memory_once(writer: Writer, copies: list[int]) -> None:
    reader = ReplicaReader(writer.root)
    first = reader.refresh()
    assert count(first, f"{CASES}base") == 100  # read on disk while the copy is made
    assert reader.wait_for_copy(30)
    assert reader.in_memory and reader.number == current_number(writer.root)
    with reader.reading() as store:
        assert count(store, f"{CASES}base") == 100
    assert copies == [100]
    reader.close()


def test_each_write_is_followed_by_the_graphs_it_changed_without_copying_again(
    writer: Writer, copies: list[int]
) -> None:
    reader = ReplicaReader(writer.root)
    reader.refresh()
    assert reader.wait_for_copy(30)
    for number in range(5):
        graph = f"{CASES}{number}"
        writer.add(graph, 7)
        assert count(reader.refresh(), graph) == 7, "read your writes"
        writer.add(graph, 3, mark="more")
        assert count(reader.refresh(), graph) == 10
        writer.drop(graph)
        assert count(reader.refresh(), graph) == 0
    assert reader.in_memory and reader.number == current_number(writer.root)
    assert count(reader.store, f"{CASES}base") == 100
    assert copies == [100], "one copy, then only changes"
    reader.close()


def test_a_write_that_records_nothing_is_read_on_disk_at_once_and_copied_again(
    writer: Writer, reader: ReplicaReader, copies: list[int]
) -> None:
    writer.add(f"{CASES}bulk", 50, record=False)
    store = reader.refresh()
    assert count(store, f"{CASES}bulk") == 50
    assert reader.wait_for_copy(30)
    assert count(reader.store, f"{CASES}bulk") == 50
    assert copies == [150]


def test_a_copy_follows_the_writes_published_while_it_was_being_made(
    writer: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    copying, go_on = threading.Event(), threading.Event()
    copy_of = replica_module.copy_of

    def slow_copy(snapshot: OxStore) -> OxStore:
        copying.set()
        assert go_on.wait(30)
        return copy_of(snapshot)

    monkeypatch.setattr(replica_module, "copy_of", slow_copy)
    reader = ReplicaReader(writer.root)
    reader.refresh()
    assert copying.wait(30)
    writer.add(f"{CASES}late", 5)
    assert count(reader.refresh(), f"{CASES}late") == 5  # on disk, while the copy is still being made
    go_on.set()
    assert reader.wait_for_copy(30)
    assert count(reader.store, f"{CASES}late") == 5, "the copy never goes back to an older snapshot"
    reader.close()


def test_changes_whose_records_are_gone_make_a_new_copy(writer: Writer, reader: ReplicaReader) -> None:
    for number in range(KEPT_CHANGES + 2):
        last = writer.add(f"{CASES}many", 1, mark=str(number))
    assert change_updates(writer.root, reader.number or 0, last) is None
    assert count(reader.refresh(), f"{CASES}many") == KEPT_CHANGES + 2
    assert reader.wait_for_copy(30)
    assert count(reader.store, f"{CASES}many") == KEPT_CHANGES + 2


def test_a_snapshot_larger_than_the_limit_is_read_on_disk(writer: Writer, copies: list[int]) -> None:
    reader = ReplicaReader(writer.root, max_bytes=1)
    assert count(reader.refresh(), f"{CASES}base") == 100
    assert not reader.wait_for_copy(30)
    assert copies == []
    writer.add(f"{CASES}x", 2)
    assert count(reader.refresh(), f"{CASES}x") == 2
    reader.close()


def test_no_copying_at_all_when_turned_off(writer: Writer, copies: list[int]) -> None:
    reader = ReplicaReader(writer.root, max_bytes=0)
    reader.refresh()
    assert not reader.wait_for_copy(30) and copies == []
    reader.close()


def test_blank_nodes_keep_their_structure_in_the_copy(writer: Writer, reader: ReplicaReader) -> None:
    graph = NamedNode(f"{CASES}blank")
    node = BlankNode()
    writer.store.extend(
        [
            Quad(NamedNode("urn:a"), NamedNode("urn:knows"), node, graph),
            Quad(node, NamedNode("urn:name"), Literal("someone"), graph),
        ]
    )
    publish(writer.store, writer.root, [graph.value])
    store = reader.refresh()
    assert reader.in_memory
    rows = list(
        store.query("SELECT ?n WHERE { <urn:a> <urn:knows> ?x . ?x <urn:name> ?n }", use_default_graph_as_union=True)
    )
    assert [row[0].value for row in rows] == ["someone"]


def test_readers_see_a_write_to_several_graphs_whole_or_not_at_all(writer: Writer, reader: ReplicaReader) -> None:
    graphs = [f"{CASES}pair-a", f"{CASES}pair-b"]
    problems: list[str] = []
    stop = threading.Event()

    both = (
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ <{graphs[0]}> <{graphs[1]}> }} GRAPH ?g {{ ?s ?p ?o }} }} "
        "GROUP BY ?g"
    )

    def read() -> None:
        while not stop.is_set():
            with reader.reading() as store:
                sizes = [int(row[1].value) for row in store.query(both)]
            if len(sizes) == 1 or len(set(sizes)) > 1:
                problems.append(f"one query saw graphs of different writes: {sizes}")

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for size in range(1, 40):
            for graph in graphs:
                writer.store.remove_graph(NamedNode(graph))
            writer.store.extend([quad for graph in graphs for quad in case_quads(graph, size)])
            publish(writer.store, writer.root, graphs)
            reader.refresh()
            with reader.reading() as store:
                assert count(store, graphs[0]) == count(store, graphs[1]) == size
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert reader.in_memory
    assert not problems, problems[:3]


def test_a_reader_far_behind_copies_again_rather_than_apply_large_records(
    writer: Writer, reader: ReplicaReader, copies: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshots_module, "MAX_CHANGE_BYTES", 4_000)
    for number in range(3):
        last = writer.add(f"{CASES}big{number}", 40)  # each record about 2 kB: the three together are over
    assert change_updates(writer.root, last - 1, last) is not None  # one alone is within the limit
    assert change_updates(writer.root, reader.number or 0, last) is None
    assert count(reader.refresh(), f"{CASES}big2") == 40
    assert reader.wait_for_copy(30)
    assert count(reader.store, f"{CASES}big0") == 40 and copies == [220]
