"""The one process that writes the embedded store when several HTTP processes share it, and how the others
hand it their writes.

RocksDB lets one process at a time open a store read-write. Of several HTTP processes, the one holding the
exclusive ``flock`` on ``DATA_DIR/write.lock`` is *the writer*: it keeps the store open read-write for as
long as it holds the lock, and listens on the Unix socket ``DATA_DIR/writer/socket`` (a directory only the
service's user may enter). Another process sends it each write (a case, an update) there and gets the
answer once the writer has written, published the snapshot and bumped the data version: so a write costs
what it costs with one process, with no opening and closing of the store, and the next query of any
process sees it.

When the writer ends (or is killed), the kernel lets go of its lock; the next process that finds nobody
listening takes the lock, opens the store and becomes the writer. A write whose writer ends before it
answers is reported (``StoreUnavailable``), never retried blindly: the writer may have committed it.

One request and one answer per connection, each a 4-byte big-endian length and a JSON object.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse, serialize
from pyoxigraph import Store as OxStore

from .. import errors
from ..errors import ClusterKGError, StoreLocked, StoreUnavailable
from . import updates
from .shared import LOCK_FILE, open_primary

SOCKET_DIR = "writer"
SOCKET_NAME = "socket"
_LENGTH = struct.Struct(">I")
#: Longest request accepted by the writer (an update or a case; entries are capped far below).
MAX_MESSAGE_BYTES = 256 * 2**20
#: Seconds between two attempts to reach (or become) the writer.
RETRY_SECONDS = 0.01
log = logging.getLogger("clusterkg.store")


class NoWriter(Exception):
    """Nobody listens on the writer's socket (no writer yet, or it ended)."""


@dataclass(frozen=True)
class Write:
    """One write, applied to the store open for writing in this process or sent to the writer: a SPARQL
    update, or a case's triples in ``graph`` (written only if none of the ``new`` resources exists yet).
    ``changed``: the named graphs it may change (``None``: any)."""

    changed: tuple[str, ...] | None
    update: str = ""
    graph: str = ""
    triples: Sequence[Triple] = ()
    new: tuple[str, ...] = ()

    @classmethod
    def of_update(cls, sparql_update: str, changed: Sequence[str] | None) -> Write:
        return cls(None if changed is None else tuple(changed), update=sparql_update)

    @classmethod
    def of_case(cls, graph: str, triples: Sequence[Triple], new: Sequence[str]) -> Write:
        return cls((graph,), graph=graph, triples=triples, new=tuple(new))

    def apply(self, store: OxStore) -> bool:
        """Write to ``store``; ``False`` when a case was not written (one of its resources exists)."""
        if not self.graph:
            store.update(self.update)
            return True
        if self.new and bool(store.query(updates.resources_taken(list(self.new)))):
            return False
        target = NamedNode(self.graph)
        store.extend([Quad(t.subject, t.predicate, t.object, target) for t in self.triples])
        return True

    def to_json(self) -> dict[str, Any]:
        message: dict[str, Any] = {"changed": self.changed, "update": self.update, "graph": self.graph}
        if self.graph:
            text = serialize(list(self.triples), format=RdfFormat.N_TRIPLES) or b""
            message |= {"triples": text.decode("utf-8"), "new": list(self.new)}
        return message

    @classmethod
    def from_json(cls, message: dict[str, Any]) -> Write:
        changed = message.get("changed")
        graph = str(message.get("graph") or "")
        triples: list[Triple] = []
        if graph:
            parsed = parse(str(message.get("triples", "")).encode("utf-8"), format=RdfFormat.N_TRIPLES)
            triples = [quad.triple for quad in parsed]  # the parser gives quads in the default graph
        return cls(
            None if changed is None else tuple(str(name) for name in changed),
            update=str(message.get("update") or ""),
            graph=graph,
            triples=triples,
            new=tuple(str(iri) for iri in message.get("new", ())),
        )


class WriterRole:
    """This process's part in writing a shared store: the writer (``holds``), or one that sends its writes
    to the writer, ready to become it when nobody listens. ``apply`` writes here (with the store open for
    writing, under the caller's write lock), publishes and bumps the version: the same function answers
    this process's own writes and the others'."""

    def __init__(self, store_dir: Path, apply: Callable[[Write], bool]) -> None:
        self.store_dir = store_dir
        self.data_dir = store_dir.parent
        self.socket_path = self.data_dir / SOCKET_DIR / SOCKET_NAME
        self._apply = apply
        self._lock_fd: int | None = None
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self.store: OxStore | None = None
        self._taking = threading.Lock()
        self._released = False  # the process is stopping: it takes the role no more

    @property
    def holds(self) -> bool:
        return self.store is not None

    def try_take(self, timeout: float) -> bool:
        """Become the writer if no process is (its lock is free); wait at most ``timeout`` seconds for the
        store itself (a command such as ``clusterkg load`` may hold it), then ``StoreLocked``."""
        with self._taking:
            if self.holds:
                return True
            if self._released:
                raise StoreUnavailable("This process is stopping and no longer writes the store: nothing was written.")
            fd = os.open(self.data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            try:
                self.store_dir.mkdir(parents=True, exist_ok=True)
                self.store = open_primary(self.store_dir, time.monotonic() + timeout)
                self._listen()
            except BaseException:
                self.store = None
                os.close(fd)  # lets go of the lock
                raise
            self._lock_fd = fd
            log.info("this process (%s) writes the store; the other HTTP processes send it their writes", os.getpid())
            return True

    def send(self, write: Write, timeout: float) -> bool:
        """``write`` applied by the writer (this process if it becomes the writer meanwhile); ``StoreLocked``
        when no process could write it within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            if self.holds:
                return self._apply(write)
            try:
                return _ask(self.socket_path, write.to_json(), timeout)
            except NoWriter:
                if self.try_take(max(deadline - time.monotonic(), 0.0)):
                    continue
            if time.monotonic() > deadline:
                raise StoreLocked(f"No process could write the store at {self.store_dir} for {timeout:g} s.")
            time.sleep(RETRY_SECONDS)

    def release(self) -> None:
        """Stop answering the others, close the store and let go of the lock (call under the write lock); a
        write still being sent from this process is not written here afterwards."""
        with self._taking:
            self._released = True
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.socket_path)
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
            listener.close()
        if self._accepting is not None:
            self._accepting.join(5.0)
            self._accepting = None
        if self.store is not None:
            self.store.flush()
            self.store = None  # the engine closes the store with its last reference
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def _listen(self) -> None:
        directory = self.socket_path.parent
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            directory.mkdir(mode=0o700, exist_ok=True)
            os.chmod(directory, 0o700)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.socket_path)  # left by a writer that ended; nobody else binds it (the lock)
            with _address(self.socket_path) as address:
                listener.bind(address)
            listener.listen(64)
        except OSError as error:
            listener.close()
            raise StoreUnavailable(
                f"Cannot listen on {self.socket_path} for the other HTTP processes' writes: {error}"
            ) from None
        self._listener = listener
        self._accepting = threading.Thread(target=self._accept, args=(listener,), name="clusterkg-writer", daemon=True)
        self._accepting.start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return  # closed by release()
            threading.Thread(target=self._answer, args=(connection,), name="clusterkg-write", daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(60.0)
            try:
                write = Write.from_json(_receive(connection))
            except (OSError, ValueError, SyntaxError) as error:
                log.warning("a write request could not be read: %s", error)
                return
            try:
                answer: dict[str, Any] = {"result": self._apply(write)}
            except _NotWriter:
                answer = {"retry": True}
            except ClusterKGError as error:
                answer = {"error": type(error).__name__, "message": error.message}
            except (OSError, ValueError, SyntaxError) as error:
                answer = {"error": "StoreUnavailable", "message": f"The write failed: {error}"}
            with contextlib.suppress(OSError):
                _send(connection, answer)


class _NotWriter(StoreUnavailable):
    """Raised by ``apply`` when this process let go of the store (it is closing) before a sent write ran."""


def not_writer() -> _NotWriter:
    return _NotWriter("This process no longer writes the store.")


def _ask(path: Path, request: dict[str, Any], timeout: float) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout)
        try:
            with _address(path) as address:
                connection.connect(address)
        except (FileNotFoundError, ConnectionRefusedError):
            raise NoWriter from None
        try:
            _send(connection, request)
            answer = _receive(connection)
        except (OSError, ValueError) as error:
            raise StoreUnavailable(
                "The process writing the store stopped answering during the write, which it may or may not have "
                f"applied ({error}): look before sending it again."
            ) from None
    if answer.get("retry"):
        raise NoWriter
    if "error" in answer:
        raise _error(str(answer["error"]), str(answer.get("message", "")))
    return bool(answer.get("result"))


def _error(name: str, message: str) -> ClusterKGError:
    """The writer's error as the same kind of error here."""
    kind = getattr(errors, name, None)
    if isinstance(kind, type) and issubclass(kind, ClusterKGError):
        with contextlib.suppress(TypeError):
            return kind(message)
    return StoreUnavailable(message)


def _send(connection: socket.socket, message: dict[str, Any]) -> None:
    data = json.dumps(message, ensure_ascii=False).encode("utf-8")
    connection.sendall(_LENGTH.pack(len(data)) + data)


def _receive(connection: socket.socket) -> dict[str, Any]:
    (length,) = _LENGTH.unpack(_exactly(connection, _LENGTH.size))
    if length > MAX_MESSAGE_BYTES:
        raise ValueError(f"a message of {length} bytes is over {MAX_MESSAGE_BYTES}")
    message = json.loads(_exactly(connection, length))
    if not isinstance(message, dict):
        raise ValueError("a message is not a JSON object")
    return message


def _exactly(connection: socket.socket, size: int) -> bytes:
    parts, missing = [], size
    while missing:
        part = connection.recv(min(missing, 2**20))
        if not part:
            raise ConnectionResetError("the connection closed mid-message")
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


@contextmanager
def _address(path: Path) -> Iterator[str]:
    """``path`` as a socket address: Linux takes at most 107 bytes, so a longer one is reached through a
    descriptor of its directory (``/proc/self/fd/N/name``)."""
    if len(os.fsencode(str(path))) < 100:
        yield str(path)
        return
    fd = os.open(path.parent, os.O_PATH | os.O_DIRECTORY)
    try:
        yield f"/proc/self/fd/{fd}/{path.name}"
    finally:
        os.close(fd)
