"""Several server processes over one embedded store: a shared data version and one writer at a time.

RocksDB lets one process at a time open a store for writing. When ``clusterkg serve`` runs several HTTP
worker processes (``CLUSTERKG_HTTP_WORKERS``), each reads published snapshots (``snapshots.py``), and the
one holding the exclusive lock file ``write.lock`` writes (``writer.py``): after each write it publishes a
snapshot and bumps the data version. The version is 8 bytes in a memory-mapped file that every process
reads (one memory read per request), so the result caches and snapshot readers of all processes follow a
write at once. ``open_for_writing`` is the same lock for a command that writes once and lets go (the
read-only CLI publishing the first snapshot of a store built before snapshots).
"""

from __future__ import annotations

import fcntl
import mmap
import os
import struct
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from pyoxigraph import Store as OxStore

from ..errors import StoreLocked, StoreUnavailable
from .snapshots import SNAPSHOTS_SUBDIR, publish

_VERSION = struct.Struct("<Q")
VERSION_FILE = "data-version"
LOCK_FILE = "write.lock"


class SharedVersion:
    """The data version in ``DATA_DIR/data-version``, visible to every process that maps it."""

    def __init__(self, data_dir: Path) -> None:
        path = Path(data_dir) / VERSION_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            if os.fstat(fd).st_size < _VERSION.size:
                os.write(fd, _VERSION.pack(1))
            self._map = mmap.mmap(fd, _VERSION.size)
        finally:
            os.close(fd)

    @property
    def value(self) -> int:
        value: int = _VERSION.unpack_from(self._map)[0]
        return value

    def bump(self) -> int:
        """Call while holding the write lock."""
        value = self.value + 1
        _VERSION.pack_into(self._map, 0, value)
        return value

    def close(self) -> None:
        self._map.close()


@contextmanager
def write_lock(data_dir: Path, timeout: float) -> Iterator[None]:
    """The exclusive ``DATA_DIR/write.lock`` (``flock``), waiting at most ``timeout`` seconds for it."""
    fd = os.open(Path(data_dir) / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreLocked(
                        f"Another process has been writing to the store for over {timeout:g} s."
                    ) from None
                time.sleep(0.01)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class WriteHandle:
    """The store open for writing, usable inside the ``with`` block only: afterwards the handle lets go of
    it, so that RocksDB closes the store (finishing its flushes and compactions) before the version is
    bumped and the readers reopen their views on a set of files that no longer changes."""

    def __init__(self, store: OxStore) -> None:
        self._store: OxStore | None = store

    def __getattr__(self, name: str) -> Any:
        if self._store is None:
            raise StoreUnavailable("The write is over: the store is no longer open for writing.")
        return getattr(self._store, name)

    def release(self, snapshots: Path, changed: Collection[str] | None = None) -> None:
        """Publish a snapshot of what was written (``changed``: the named graphs it changed, if known), and
        close."""
        if self._store is not None:
            self._store.flush()
            publish(self._store, snapshots, changed)
            self._store = None


@contextmanager
def open_for_writing(
    store_dir: Path, version: SharedVersion | None, timeout: float = 60.0, changed: Collection[str] | None = None
) -> Iterator[OxStore]:
    """The store opened for writing under the write lock; a snapshot published (recording the named graphs
    ``changed``, when the caller knows them), the store closed and the version bumped after."""
    with write_lock(store_dir.parent, timeout):
        handle = WriteHandle(open_primary(store_dir, time.monotonic() + timeout))
        try:
            yield cast(OxStore, handle)
        finally:
            handle.release(store_dir.parent / SNAPSHOTS_SUBDIR, changed)
            if version is not None:
                version.bump()


def open_primary(store_dir: Path, deadline: float) -> OxStore:
    """The store opened read-write, retrying while the previous writer lets go of it; ``StoreLocked`` at the deadline."""
    while True:
        try:
            return OxStore(str(store_dir))
        except OSError as error:
            if "lock" not in str(error).lower() or time.monotonic() > deadline:
                raise StoreLocked(
                    f"The store at {store_dir} is open for writing in another process (clusterkg build or load?): "
                    f"{error}"
                ) from None
            time.sleep(0.01)
