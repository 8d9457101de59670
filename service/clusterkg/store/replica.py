"""A reader's own copy of the published data, in memory: what query workers and HTTP processes read when
the store is small enough.

pyoxigraph evaluates the same query 1.7 to 3 times faster over its in-memory store than over RocksDB
(a lookup 0.05 ms against 0.15 ms, a GROUP BY over 100k triples 0.4 ms against 0.7 ms: see
``docs/benchmarks.md``), and a reader's own in-memory store is a case pyoxigraph defines for any number
of threads. So a ``ReplicaReader`` follows the published snapshots (``snapshots.py``) like a
``SnapshotReader``, and when the current snapshot's files take at most ``max_bytes``, it also copies the
data into memory in a background thread, then reads only that copy:

- Until the copy is made (and whenever it cannot be kept up to date), it reads the snapshot on disk: a
  query never waits for a copy.
- To move to a newer snapshot it applies the writes' change records (``snapshots.change_updates``: for
  each write, the SPARQL update that replaces the named graphs it changed with their new content) in one
  update, which the engine applies as one transaction, so a query running meanwhile sees all of a write
  or none of it; it need not open the new snapshot for that. Where a record is missing (a write that
  could not say, such as a bulk load, or a large change), it goes back to the snapshot on disk and
  copies again.
- Each query over the copy sees one state of it; unlike a snapshot on disk, a ``reading()`` block of
  several queries may see a write land between two of them (as readers of the store being written do).
- Blank nodes are copied as new blank nodes (a copy cannot keep the engine's internal identifiers), which
  SPARQL allows: a blank node's label is local to one answer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .snapshots import (
    Held,
    NoSnapshot,
    SnapshotReader,
    acquire,
    change_updates,
    current_number,
    prune,
    snapshot_bytes,
    snapshot_path,
)

#: Files of a snapshot that a reader still copies into memory, by default (about 350,000 triples, which take
#: about 130 MB in memory).
DEFAULT_MAX_BYTES = 64 * 2**20
log = logging.getLogger("clusterkg.store")


def _open(held: Held) -> Any:
    from pyoxigraph import Store  # noqa: PLC0415 - the worker processes import this module

    return Store.read_only(str(held.path))


def copy_of(snapshot: Any) -> Any:
    """All quads of ``snapshot`` in a new in-memory store. Written out as N-Quads and loaded by the engine,
    which lets go of the interpreter meanwhile (copying quad by quad through Python objects would hold it
    and slow the queries the process answers during the copy some 40 times)."""
    from pyoxigraph import RdfFormat, Store  # noqa: PLC0415

    memory = Store()
    memory.bulk_load(snapshot.dump(format=RdfFormat.N_QUADS), format=RdfFormat.N_QUADS)
    return memory


class ReplicaReader:
    """Reads published snapshots through an in-memory copy when they are small enough (``max_bytes``; 0:
    never). The same interface as ``SnapshotReader``: ``refresh()`` moves to the newest snapshot, ``store``
    and ``reading()`` lend what to read. Thread-safe."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self._disk = SnapshotReader(root)
        self._lock = threading.RLock()
        self._memory: Any = None
        self._memory_number: int | None = None
        self._loader: threading.Thread | None = None
        self._generation = 0  # bumped by close(): a copy started before is not adopted

    @property
    def in_memory(self) -> bool:
        """Whether reads go to the copy in memory (else to the snapshot on disk)."""
        return self._memory is not None

    @property
    def loading(self) -> bool:
        loader = self._loader
        return loader is not None and loader.is_alive()

    @property
    def store(self) -> Any:
        memory = self._memory
        return memory if memory is not None else self._disk.store

    @property
    def number(self) -> int | None:
        return self._memory_number if self._memory is not None else self._disk.number

    def refresh(self) -> Any:
        """Move to the current snapshot if a newer one was published; the store to read."""
        with self._lock:
            if self._memory is not None:
                if self._catch_up():
                    return self._memory
                self._memory = self._memory_number = None  # read the snapshot on disk and copy again
            store = self._disk.refresh()
            self._start_copy()
            return store

    @contextmanager
    def reading(self) -> Iterator[Any]:
        memory = self._memory
        if memory is not None:
            yield memory  # the copy is never closed under a read: writes to it are transactions
            return
        with self._lock:  # not while the copy is adopted and the snapshot on disk let go
            memory = self._memory
            disk = None if memory is not None else self._disk.reading()
            store = memory if disk is None else disk.__enter__()
        if disk is None:
            yield store
            return
        try:
            yield store
        finally:
            disk.__exit__(None, None, None)

    @contextmanager
    def holding_copy(self) -> Iterator[tuple[Any, int | None]]:
        """The in-memory copy and the snapshot it copies, kept as they are for the block (no write is applied
        to it meanwhile); ``(None, None)`` while reads go to the snapshot on disk."""
        with self._lock:
            yield self._memory, self._memory_number

    def wait_for_copy(self, timeout: float | None = None) -> bool:
        """Wait for a copy being made (tests, benchmarks); whether reads now go to memory."""
        loader = self._loader
        if loader is not None:
            loader.join(timeout)
        return self.in_memory

    def close(self) -> None:
        with self._lock:
            self._generation += 1
            self._memory = self._memory_number = None
            self._disk.close()

    def _catch_up(self) -> bool:
        """Bring the copy to the current snapshot (with the lock held); ``False`` when it cannot."""
        assert self._memory_number is not None
        number = self._advance(self._memory, self._memory_number)
        if number is None:
            return False
        self._memory_number = number
        return True

    def _advance(self, memory: Any, number: int) -> int | None:
        """Apply to ``memory``, a copy of snapshot ``number``, the change records up to the current snapshot;
        the number it then copies, or ``None`` when it cannot (a record is missing, or the snapshot is too
        large to keep a copy of)."""
        current = current_number(self.root)
        if current == number:
            return number
        if current is None or current < number:
            return None
        texts = change_updates(self.root, number, current)
        if texts is None or snapshot_bytes(snapshot_path(self.root, current)) > self.max_bytes:
            return None
        update = " ;\n".join(text for text in texts if text)
        try:
            if update:
                memory.update(update)  # one transaction: a read sees all of it or none
        except (OSError, SyntaxError, ValueError) as error:
            log.warning("the in-memory copy could not follow snapshot %s (%s): copying it again", current, error)
            return None
        return current

    def _start_copy(self) -> None:
        """Copy the current snapshot into memory in the background, if it is small enough (lock held)."""
        if self.max_bytes <= 0 or self.loading:
            return
        number = self._disk.number
        if number is None or snapshot_bytes(snapshot_path(self.root, number)) > self.max_bytes:
            return
        self._loader = threading.Thread(
            target=self._copy, args=(self._generation,), name="clusterkg-replica", daemon=True
        )
        self._loader.start()

    def _copy(self, generation: int) -> None:
        try:
            held = acquire(self.root)
        except NoSnapshot:
            return
        try:
            memory = copy_of(_open(held))
            number = held.number
        except (OSError, ValueError) as error:
            log.warning("could not copy snapshot %s into memory: %s", held.number, error)
            return
        finally:
            held.release()
        with self._lock:
            if generation != self._generation:
                return
            caught_up = self._advance(memory, number)  # the writes published while copying
            if caught_up is None:
                return  # they cannot be applied: the next refresh() copies again
            self._memory, self._memory_number = memory, caught_up
            self._disk.let_go()
        prune(self.root)
