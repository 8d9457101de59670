"""Immutable snapshots of the embedded store: what every reader opens, so that no reader ever opens the
store a process is writing.

pyoxigraph defines two ways to open a store on disk: ``Store(path)``, read-write, which RocksDB lets one
process hold at a time (its ``LOCK`` file), and ``Store.read_only(path)``, which is defined only while no
other process writes that directory. So the service never opens the writer's directory read-only.
Instead, after each committed write, the one writer makes a checkpoint with ``Store.backup`` (RocksDB's
checkpoint: hard links to the immutable table files plus a copy of the manifest, a few tens of
milliseconds) into a new directory ``DATA_DIR/snapshots/<number>``, which nobody writes again, and then
publishes it by replacing ``DATA_DIR/snapshots/current`` (a file holding the number) with ``rename``,
which is atomic. Readers (query workers, the HTTP processes' own reads, the read-only CLI) open only a
published snapshot, read-only, and move to the newest one between queries.

A reader holds a shared ``flock`` on ``<number>.lock`` for as long as it has the snapshot open. A snapshot
older than the current one is removed by whoever takes that lock exclusively without waiting (the writer
after publishing, a reader after moving on), so no snapshot disappears under a reader. A reader takes
the lock, then checks that the lock file is still the one at that path: if a remover took it first, the
reader reads ``current`` again.

Beside each snapshot the writer may record what the write changed (``<number>.update``, written before
the snapshot is published): one SPARQL update that makes the named graphs the write changed what they are
in the snapshot, read from the store it has just written. A write that cannot say what it changed, or
changed more than ``MAX_CHANGE_QUADS``, records nothing. A reader that keeps its own copy of the data
(``replica.py``) applies these updates instead of copying everything again (and without opening the
snapshot at all); where one record between its copy and the current snapshot is missing, it copies all.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SNAPSHOTS_SUBDIR = "snapshots"
CURRENT_FILE = "current"
ACQUIRE_ATTEMPTS = 100
#: How many change records are kept behind the current snapshot.
KEPT_CHANGES = 256
#: Triples a change may carry before a reader's full copy is cheaper than the update that applies it.
MAX_CHANGE_QUADS = 50_000
#: Bytes of change records a reader that fell behind applies at once; beyond, it copies all again.
MAX_CHANGE_BYTES = 16 * 2**20


class NoSnapshot(LookupError):
    """No snapshot has been published yet (a store built before snapshots, or not built at all)."""


def snapshots_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SNAPSHOTS_SUBDIR


def _name(number: int) -> str:
    return f"{number:012d}"


def snapshot_path(root: Path, number: int) -> Path:
    return root / _name(number)


def _lock_path(root: Path, number: int) -> Path:
    return root / f"{_name(number)}.lock"


def current_number(root: Path) -> int | None:
    """The published snapshot's number, or ``None`` when there is none."""
    try:
        return int((root / CURRENT_FILE).read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        return None


def _numbers(root: Path) -> list[int]:
    return sorted(int(path.stem) for path in root.glob("*.lock") if path.stem.isdigit())


def _changes_path(root: Path, number: int) -> Path:
    return root / f"{_name(number)}.update"


def publish(store: Any, root: Path, changed: Collection[str] | None = None) -> int:
    """Checkpoint the read-write ``store`` into a new snapshot and make it the current one; call only
    while holding the store open for writing (so one publisher at a time). ``changed``: the named graphs
    the write changed, whose content is recorded for the readers that copy the data (``None``: it cannot
    say). Older unheld snapshots go."""
    root.mkdir(parents=True, exist_ok=True)
    number = max([*_numbers(root), current_number(root) or 0]) + 1
    _lock_path(root, number).touch()
    target = root / _name(number)
    store.backup(str(target))
    record = _changes_path(root, number)
    update = None if changed is None else change_update(store, set(changed))
    if update is not None:
        staged_record = root / f"update.{os.getpid()}"
        staged_record.write_text(update, encoding="utf-8")
        os.replace(staged_record, record)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(record)  # left by an older store with the same number
    staged = root / f"{CURRENT_FILE}.{os.getpid()}"
    staged.write_text(f"{number}\n", encoding="ascii")
    os.replace(staged, root / CURRENT_FILE)
    prune(root)
    return number


def change_update(store: Any, graphs: set[str]) -> str | None:
    """One SPARQL update that makes ``graphs`` in a copy what they are in ``store``; ``None`` when the change
    is too large to be worth it."""
    from pyoxigraph import NamedNode, RdfFormat, serialize  # noqa: PLC0415 - the worker processes import this

    parts, total = [], 0
    for name in sorted(graphs):
        graph = NamedNode(name)
        triples = [quad.triple for quad in store.quads_for_pattern(None, None, None, graph)]
        total += len(triples)
        if total > MAX_CHANGE_QUADS:
            return None
        parts.append(f"DROP SILENT GRAPH {graph}")
        if triples:
            text = (serialize(triples, format=RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            parts.append(f"INSERT DATA {{ GRAPH {graph} {{\n{text}}} }}")
    return " ;\n".join(parts)


def change_updates(root: Path, since: int, until: int) -> list[str] | None:
    """The updates the writes after snapshot ``since`` up to ``until`` recorded, in order, or ``None`` when
    one of them recorded nothing (or its record is gone), or when together they take more than
    ``MAX_CHANGE_BYTES`` (a full copy is then cheaper)."""
    paths = [_changes_path(root, number) for number in range(since + 1, until + 1)]
    try:
        if sum(path.stat().st_size for path in paths) > MAX_CHANGE_BYTES:
            return None
        return [path.read_text(encoding="utf-8") for path in paths]
    except FileNotFoundError:
        return None


def snapshot_bytes(path: Path) -> int:
    """The size of a snapshot's files (RocksDB's tables are compressed: the data in memory takes about twice
    as much)."""
    total = 0
    with contextlib.suppress(FileNotFoundError):
        for entry in os.scandir(path):
            with contextlib.suppress(FileNotFoundError):
                if entry.is_file(follow_symlinks=False):
                    total += entry.stat(follow_symlinks=False).st_size
    return total


def prune(root: Path) -> list[int]:
    """Remove the snapshots older than the current one that no process holds, and the change records far
    behind it; the numbers of the snapshots removed."""
    current = current_number(root)
    if current is not None:
        for record in [*root.glob("*.update"), *root.glob("*.changes")]:  # .changes: earlier versions' records
            if record.stem.isdigit() and int(record.stem) <= current - KEPT_CHANGES:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(record)
    removed = []
    for number in _numbers(root):
        if current is None or number >= current:
            break
        if _remove_if_unheld(root, number):
            removed.append(number)
    return removed


def _remove_if_unheld(root: Path, number: int) -> bool:
    try:
        fd = os.open(_lock_path(root, number), os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a reader has it open
        shutil.rmtree(root / _name(number), ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(_lock_path(root, number))
        return True
    finally:
        os.close(fd)


@dataclass
class Held:
    """A snapshot this process holds (its shared lock), to open read-only and release after use."""

    number: int
    path: Path
    fd: int

    def release(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # closing the descriptor drops the flock
            self.fd = -1


def acquire(root: Path) -> Held:
    """Hold the current snapshot; ``NoSnapshot`` if none was ever published."""
    for _ in range(ACQUIRE_ATTEMPTS):
        number = current_number(root)
        if number is None:
            raise NoSnapshot(f"No snapshot of the store has been published in {root}.")
        path = _lock_path(root, number)
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue  # removed after a newer one was published: read current again
        fcntl.flock(fd, fcntl.LOCK_SH)
        if _still_there(fd, path):
            return Held(number, root / _name(number), fd)
        os.close(fd)
    raise NoSnapshot(f"The current snapshot in {root} kept changing while being opened.")


def _still_there(fd: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


class SnapshotReader:
    """A read-only view that follows the published snapshots. ``refresh()`` moves to the newest one;
    ``reading()`` lends the current store for one read. A snapshot a newer one replaced is closed and
    released (and removed if no other process holds it) once no read that borrowed it is still running,
    so threads of one process can read while another moves on. Thread-safe."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()
        self._held: Held | None = None
        self._store: Any = None
        self._reads: dict[int, int] = {}  # snapshot number -> reads running on it
        self._superseded: list[Held] = []

    @property
    def store(self) -> Any:
        """The store ``refresh()`` last opened (``None`` before the first)."""
        return self._store

    @property
    def number(self) -> int | None:
        return None if self._held is None else self._held.number

    def refresh(self) -> Any:
        """Move to the current snapshot if a newer one was published; the store to read."""
        with self._lock:
            if self._held is not None and current_number(self.root) == self._held.number:
                return self._store
            from pyoxigraph import Store  # noqa: PLC0415 - the worker processes import this module

            held = acquire(self.root)
            try:
                store = Store.read_only(str(held.path))
            except BaseException:
                held.release()
                raise
            if self._held is not None:
                self._superseded.append(self._held)
            self._held, self._store = held, store
            self._release_unread()
            return store

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """The current store, not released before the block ends (call ``refresh()`` first)."""
        with self._lock:
            if self._held is None:
                raise NoSnapshot(f"No snapshot of the store in {self.root} has been opened.")
            number, store = self._held.number, self._store
            self._reads[number] = self._reads.get(number, 0) + 1
        try:
            yield store
        finally:
            with self._lock:
                self._reads[number] -= 1
                if not self._reads[number]:
                    del self._reads[number]
                self._release_unread()

    def let_go(self) -> None:
        """Stop following the snapshots: the one held is released once no read that borrowed it is running
        (``refresh()`` opens the current one again)."""
        with self._lock:
            if self._held is not None:
                self._superseded.append(self._held)
            self._held, self._store = None, None
            self._release_unread()

    def _release_unread(self) -> None:
        """Release the superseded snapshots no read uses any more (with the lock held)."""
        unread = [held for held in self._superseded if held.number not in self._reads]
        if not unread:
            return
        self._superseded = [held for held in self._superseded if held.number in self._reads]
        for held in unread:
            held.release()
        prune(self.root)

    def close(self) -> None:
        with self._lock:
            self._store = None
            for held in [*self._superseded, *([self._held] if self._held is not None else [])]:
                held.release()
            self._held, self._superseded = None, []
