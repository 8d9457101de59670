"""Query worker processes that can be killed: the only way to stop a pyoxigraph query that runs too long.

Each worker is ``python -m clusterkg.store.worker_main SNAPSHOTS_DIR``: it opens the current published snapshot
of the store read-only (``snapshots.py``), copies it into memory when it is small enough (``replica.py``) and answers jobs sent over its stdin/stdout pipes as
bytes (a fixed header and a body, ``worker_main.py``); the event loop writes a job and reads the reply, so a
query costs no thread hand-off. A job carries the store's data version; a worker moves to the newest snapshot when
the version changed (a write was published). When a job
exceeds its timeout the parent SIGKILLs the worker, which frees the CPU at once, starts a fresh one in the
background and answers 503; the other workers go on serving.

With a memory cap (``CLUSTERKG_QUERY_MEMORY``) a worker's address space is limited; a query that needs more
stops the worker (the engine aborts on a failed allocation), the pool answers 503 ``query_memory`` naming the
limit and starts a fresh worker. The engine also aborts on some of its own failures (a Rust panic, such as
its sort meeting terms it does not order totally); what the worker printed before it ended tells the two
apart (``ended_by``), and such a query is answered 500 ``query_failed`` with the engine's message.

Overhead: a trivial query (``ASK {}``) costs two pipe writes and two wake-ups of the event loop more than
evaluated in-process; no thread is involved, so the HTTP process spends no time handing jobs to threads
(``python -m benchmarks.worker_hop`` measures it: about 0.1 ms median; see ``docs/benchmarks.md``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import select
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from ..errors import QueryFailed, QueryMemory, QuerySyntaxError, QueryTimeout, ServiceForbidden, StoreUnavailable
from .base import QueryJob, QueryResult
from .worker_main import (
    MEMORY,
    OK,
    READY,
    REPLY_HEADER,
    SERVICE,
    SYNTAX,
    Reply,
    decode_reply,
    encode_job,
    read_reply,
    reply_size,
)

log = logging.getLogger("clusterkg.workers")


def timeout_error(timeout: float) -> QueryTimeout:
    return QueryTimeout(
        f"The query exceeded the query timeout of {timeout:g} s (CLUSTERKG_QUERY_TIMEOUT) and was stopped.",
        limit="query_timeout",
        timeout=timeout,
    )


def memory_error(limit: int) -> QueryMemory:
    return QueryMemory(
        f"The query needed more memory than a query worker may use ({limit / 2**20:,.0f} MiB, "
        "CLUSTERKG_QUERY_MEMORY) and was stopped.",
        limit="query_memory",
        bytes=limit,
    )


#: The worker's environment: no Rust backtrace when an allocation fails under the memory cap, and few
#: malloc arenas (each reserves address space the cap counts).
_WORKER_ENV = {"PYTHONUNBUFFERED": "1", "RUST_BACKTRACE": "0", "MALLOC_ARENA_MAX": "2"}


class Pending:
    """A job waiting for, or being evaluated by, a worker; ``reply`` is resolved by the event loop."""

    __slots__ = ("job", "reply", "worker")

    def __init__(self, job: QueryJob) -> None:
        self.job = job
        self.reply: asyncio.Future[Reply] = asyncio.get_running_loop().create_future()
        self.worker: Worker | None = None


class Worker:
    """One worker process and its pipes: its replies are read by the event loop (``_on_readable``), no thread.
    ``on_free`` is called (in the loop) when the worker has answered a job and can take the next."""

    def __init__(self, snapshots: Path, isolate: bool = False, memory: int | None = None, replica: int = 0) -> None:
        self.isolated = False
        flags = [*(["isolated"] if isolate else []), *([f"memory={memory}"] if memory else [])]
        flags.append(f"replica={replica}")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clusterkg.store.worker_main", str(snapshots), *flags],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **_WORKER_ENV},
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        #: The last lines the worker printed (relayed to this process's stderr as they come).
        self.last_words: deque[str] = deque(maxlen=_LAST_WORDS)
        self._relay = threading.Thread(target=self._relay_stderr, name="clusterkg-worker-stderr", daemon=True)
        self._relay.start()
        self.stdin: IO[bytes] = self.process.stdin
        self.stdout: IO[bytes] = self.process.stdout
        self._out = self.stdout.fileno()
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop reading the reply, while one is awaited
        self._buffer = bytearray()
        self.current: Pending | None = None
        self.on_free: Callable[[Worker], None] = lambda worker: None

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker to say it is ready, and whether it could leave the network."""
        ready, _, _ = select.select([self._out], [], [], max(timeout, 0.0))
        reply = read_reply(self.stdout) if ready else None
        if reply is None or reply.kind != READY:
            self.kill()
            raise StoreUnavailable("A query worker did not start.")
        self.isolated = reply.flag
        os.set_blocking(self._out, False)

    def begin(self, pending: Pending, version: int) -> None:
        """Write a job to the worker; its reply resolves ``pending.reply`` (in the loop that made it)."""
        frame = encode_job(version, pending.job)
        pending.worker, self.current = self, pending
        self._buffer.clear()
        loop = pending.reply.get_loop()
        if self._loop is not loop:
            self._stop_reading()
            loop.add_reader(self._out, self._on_readable)
            self._loop = loop
        try:
            if len(frame) < _ONE_WRITE:
                os.write(self.stdin.fileno(), frame)  # the pipe takes it whole
            else:
                self.stdin.write(frame)
                self.stdin.flush()
        except OSError:
            self._finish(EOFError("the query worker exited"))

    def _on_readable(self) -> None:
        try:
            chunk = os.read(self._out, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._stop_reading()
            self._finish(EOFError("the query worker exited"))
            return
        buffer = self._buffer
        buffer += chunk
        if len(buffer) >= REPLY_HEADER and len(buffer) >= reply_size(buffer):
            reply = decode_reply(buffer)
            if reply.kind == MEMORY:
                self._finish(reply)  # the pool replaces this worker
            else:
                pending, self.current = self.current, None
                self.on_free(self)  # the next job is written before this answer is even read
                _resolve(pending, reply)

    def _finish(self, outcome: Reply | BaseException) -> None:
        pending, self.current = self.current, None
        _resolve(pending, outcome)

    def _stop_reading(self) -> None:
        if self._loop is not None:
            with contextlib.suppress(RuntimeError, ValueError, OSError):
                self._loop.remove_reader(self._out)
            self._loop = None

    def _relay_stderr(self) -> None:
        stream = self.process.stderr
        assert stream is not None
        with stream, contextlib.suppress(OSError, ValueError):  # closed when the process has ended
            for raw in stream:
                line = raw.decode("utf-8", "replace")
                self.last_words.append(line.rstrip("\n"))
                sys.stderr.write(line)

    async def ended_by(self) -> tuple[str, str] | None:
        """Why the process ended while it evaluated a query: ``None`` when it did not abort (or has not
        ended within 5 s), else what it printed, read by ``abort_cause``."""
        for _ in range(500):
            code = self.process.poll()
            if code is not None:
                break
            await asyncio.sleep(0.01)
        else:
            return None
        if code != -signal.SIGABRT:
            return None
        await asyncio.to_thread(self._relay.join, 2.0)  # the pipe ends with the process: all it printed
        return abort_cause(self.last_words)

    def kill(self) -> None:
        self._stop_reading()
        self.on_free = lambda worker: None
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                stream.close()


#: Lines of a worker's stderr kept to say why it ended.
_LAST_WORDS = 20
_PANIC = re.compile(r"panicked at [^\n]*:$")


def abort_cause(lines: Iterable[str]) -> tuple[str, str]:
    """What a worker that aborted printed, read: ``("memory", ...)`` for a failed allocation (Rust prints
    ``memory allocation of N bytes failed``), ``("panic", message)`` for a panic (``thread '...' panicked at
    FILE:LINE:COL:`` then the message), else ``("abort", "")``.

    >>> abort_cause(["thread '<unnamed>' (7) panicked at src/sort.rs:854:5:", "not a total order", "note: ..."])
    ('panic', 'not a total order')
    >>> abort_cause(["memory allocation of 1024 bytes failed"])[0], abort_cause([])
    ('memory', ('abort', ''))
    """
    lines = list(lines)
    for at, line in enumerate(lines):
        if "memory allocation of" in line:
            return "memory", line
        if _PANIC.search(line) and at + 1 < len(lines):
            return "panic", lines[at + 1]
    return "abort", ""


def engine_failure(message: str) -> QueryFailed:
    hint = (
        " Sorting terms of different kinds together (numbers, booleans and strings) can cause this: sort on"
        " STR(?x), or on terms of one kind."
        if "total order" in message
        else ""
    )
    return QueryFailed(
        f"The engine stopped on this query with an internal error (pyoxigraph: {message!r}); the query worker "
        f"was replaced.{hint}"
    )


def _resolve(pending: Pending | None, outcome: Reply | BaseException) -> None:
    if pending is None or pending.reply.done():
        return
    if isinstance(outcome, BaseException):
        pending.reply.set_exception(outcome)
    else:
        pending.reply.set_result(outcome)


#: A job frame shorter than this goes out in one ``write`` (the pipe takes it whole); a longer one is
#: written in full by the buffered stream.
_ONE_WRITE = 65_536
_READ_SIZE = 1 << 20


class WorkerPool:
    """``size`` workers; ``run`` awaits a result on the event loop. A job goes to an idle worker at once, or
    waits in a queue; a worker that answers takes the next queued job in the same callback, so it does
    not wait for the answered request to be sent first."""

    def __init__(
        self,
        snapshots: Path,
        size: int,
        start_timeout: float = 60.0,
        *,
        isolate: bool = False,
        memory: int | None = None,
        replica: int = 0,
    ) -> None:
        self.snapshots = snapshots
        #: Snapshots of at most this many bytes are read from an in-memory copy (``replica.py``; 0: never).
        self.replica = replica
        self.size = size
        #: Bytes of address space each worker may use (``None``: no cap).
        self.memory = memory
        #: Whether the workers are asked to leave the network (``sandbox.py``), and whether they all did.
        self.isolate = isolate
        self.isolated = False
        self.start_timeout = start_timeout
        self.version = 0
        self._idle: deque[Worker] = deque()
        self._queue: deque[Pending] = deque()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            worker.wait_ready(self.start_timeout)
            worker.on_free = self._on_free
            self._idle.append(worker)
        self.isolated = all(worker.isolated for worker in workers)

    def _spawn(self) -> Worker:
        worker = Worker(self.snapshots, self.isolate, self.memory, self.replica)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: Worker) -> None:
        """Kill a worker and start another in the background (a thread: it waits for the new one to start)."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        if not self._closed:
            threading.Thread(target=self._add_fresh, daemon=True).start()

    def _add_fresh(self) -> None:
        try:
            worker = self._spawn()
            worker.wait_ready(self.start_timeout)
        except StoreUnavailable:
            if not self._closed:
                log.exception("could not start a replacement query worker")
            return
        if self.isolated and not worker.isolated:
            log.error("a replacement query worker could not leave the network: it is not used")
            worker.kill()
        elif self._closed:
            worker.kill()
        else:
            worker.on_free = self._on_free
            self._free_from_thread(worker)

    def _free_from_thread(self, worker: Worker) -> None:
        """Give a new worker to the loop of the oldest queued job, or make it idle (the lock makes the check
        and the act one step against ``_dispatch``)."""
        with self._lock:
            if not self._queue:
                self._idle.append(worker)
                return
            loop = self._queue[0].reply.get_loop()
        try:
            loop.call_soon_threadsafe(self._on_free, worker)
        except RuntimeError:  # that loop has ended
            with self._lock:
                self._idle.append(worker)

    def _on_free(self, worker: Worker) -> None:
        """(In the loop.) The worker takes the oldest queued job still waiting, or becomes idle."""
        with self._lock:
            while self._queue:
                pending = self._queue.popleft()
                if not pending.reply.done():
                    break
            else:
                self._idle.append(worker)
                return
        worker.begin(pending, self.version)

    def _dispatch(self, pending: Pending) -> None:
        with self._lock:
            if not self._idle:
                self._queue.append(pending)
                return
            worker = self._idle.popleft()
        worker.begin(pending, self.version)

    async def run(self, job: QueryJob) -> QueryResult:
        pending = Pending(job)
        self._dispatch(pending)
        try:
            reply = await asyncio.wait_for(pending.reply, max(job.timeout, 0.0))
        except TimeoutError:
            if pending.worker is not None:  # evaluating: stop it
                self._replace(pending.worker)
            raise timeout_error(job.timeout) from None
        except (EOFError, OSError):
            worker = pending.worker
            assert worker is not None
            cause = await worker.ended_by()
            self._replace(worker)
            raise self._failure(cause) from None
        except BaseException:  # cancelled: a worker still evaluating the job is in an unknown state
            if pending.worker is not None and pending.worker.current is pending:
                self._replace(pending.worker)
            raise
        if reply.kind == MEMORY:
            assert pending.worker is not None
            self._replace(pending.worker)
            raise memory_error(self.memory or 0)
        return _unpack(reply)

    def _failure(self, cause: tuple[str, str] | None) -> QueryFailed | QueryMemory:
        """The error for a query whose worker ended under it: an abort without another cause, under a memory
        cap, is taken for the cap."""
        kind, message = cause or ("", "")
        if kind == "panic":
            return engine_failure(message)
        if self.memory is not None and kind in ("memory", "abort"):
            return memory_error(self.memory)
        if kind == "memory":
            return QueryFailed("The query needed more memory than the machine could give its query worker.")
        return QueryFailed("The query worker stopped while evaluating the query.")

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()


def _unpack(reply: Reply) -> QueryResult:
    if reply.kind == OK:
        return QueryResult(reply.body, reply.result_format, reply.rows, reply.flag)
    message = reply.body.decode("utf-8", "replace")
    if reply.kind == SYNTAX:
        raise QuerySyntaxError.from_parser_message(message)
    if reply.kind == SERVICE:
        raise ServiceForbidden(
            f"The query tried to call a SERVICE endpoint, and this query may call none: {message}", target=None
        )
    raise QueryFailed(f"The query failed: {message}")
