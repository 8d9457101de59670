"""Query worker processes that can be killed: the only way to stop a pyoxigraph query that runs too long.

Each worker is ``python -m clusterkg.store.worker_main SNAPSHOTS_DIR``: it opens the current published snapshot
of the store read-only (``snapshots.py``) and answers jobs sent over its stdin/stdout pipes as
bytes (a fixed header and a body, ``worker_main.py``); the event loop writes a job and reads the reply, so a
query costs no thread hand-off. A job carries the store's data version; a worker moves to the newest snapshot when
the version changed (a write was published). When a job
exceeds its timeout the parent SIGKILLs the worker, which frees the CPU at once, starts a fresh one in the
background and answers 503; the other workers go on serving.

With a memory cap (``CLUSTERKG_QUERY_MEMORY``) a worker's address space is limited; a query that needs more
stops the worker (the engine aborts on a failed allocation), the pool answers 503 ``query_memory`` naming the
limit and starts a fresh worker.

Overhead: a trivial query (``ASK {}``) costs about 0.5 ms more through a worker than evaluated in-process
(0.4-0.6 ms measured: thread hand-off, pickle, two pipe writes, select) on the 2-core development
machine (see ``tests/test_store_embedded.py::test_worker_overhead_is_small``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from collections import deque
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


class Worker:
    """One worker process and its pipes: its replies are read by the event loop (``call``), no thread."""

    def __init__(self, snapshots: Path, isolate: bool = False, memory: int | None = None) -> None:
        self.isolated = False
        flags = [*(["isolated"] if isolate else []), *([f"memory={memory}"] if memory else [])]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "clusterkg.store.worker_main", str(snapshots), *flags],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, **_WORKER_ENV},
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin: IO[bytes] = self.process.stdin
        self.stdout: IO[bytes] = self.process.stdout
        self._out = self.stdout.fileno()
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop reading a reply, while one is awaited
        self._buffer = bytearray()
        self._reply: asyncio.Future[Reply] | None = None

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker to say it is ready, and whether it could leave the network."""
        ready, _, _ = select.select([self._out], [], [], max(timeout, 0.0))
        reply = read_reply(self.stdout) if ready else None
        if reply is None or reply.kind != READY:
            self.kill()
            raise StoreUnavailable("A query worker did not start.")
        self.isolated = reply.flag
        os.set_blocking(self._out, False)

    async def call(self, frame: bytes, seconds: float) -> Reply:
        """Send a job frame and await the reply; ``TimeoutError`` after ``seconds``, ``EOFError`` if the
        worker ended."""
        loop = asyncio.get_running_loop()
        self._reply = loop.create_future()
        self._buffer.clear()
        self._loop = loop
        loop.add_reader(self._out, self._on_readable)
        os.write(self.stdin.fileno(), frame) if len(frame) < _ONE_WRITE else self._write_all(frame)
        try:
            return await asyncio.wait_for(self._reply, max(seconds, 0.0))
        finally:
            self._stop_reading()

    def _write_all(self, frame: bytes) -> None:
        self.stdin.write(frame)
        self.stdin.flush()

    def _on_readable(self) -> None:
        reply = self._reply
        try:
            chunk = os.read(self._out, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if reply is None or reply.done():
            return
        if not chunk:
            self._stop_reading()
            reply.set_exception(EOFError("the query worker exited"))
            return
        buffer = self._buffer
        buffer += chunk
        if len(buffer) >= REPLY_HEADER and len(buffer) >= reply_size(buffer):
            self._stop_reading()
            reply.set_result(decode_reply(buffer))

    def _stop_reading(self) -> None:
        if self._loop is not None:
            with contextlib.suppress(RuntimeError, ValueError, OSError):
                self._loop.remove_reader(self._out)
            self._loop = None

    async def ran_out_of_memory(self) -> bool:
        """Whether the process ended as the engine ends on a failed allocation (SIGABRT)."""
        for _ in range(500):
            code = self.process.poll()
            if code is not None:
                return code == -signal.SIGABRT
            await asyncio.sleep(0.01)
        return False

    def kill(self) -> None:
        self._stop_reading()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                stream.close()


#: A job frame shorter than this goes out in one ``write`` (the pipe takes it whole); a longer one is
#: written in full by the buffered stream.
_ONE_WRITE = 65_536
_READ_SIZE = 1 << 20


class WorkerPool:
    """``size`` workers; ``run`` awaits a result on the event loop: an idle worker, the job written to its
    pipe, the reply read by the loop when it arrives. A job that waits for a worker waits on a future."""

    def __init__(
        self,
        snapshots: Path,
        size: int,
        start_timeout: float = 60.0,
        isolate: bool = False,
        memory: int | None = None,
    ) -> None:
        self.snapshots = snapshots
        self.size = size
        #: Bytes of address space each worker may use (``None``: no cap).
        self.memory = memory
        #: Whether the workers are asked to leave the network (``sandbox.py``), and whether they all did.
        self.isolate = isolate
        self.isolated = False
        self.start_timeout = start_timeout
        self.version = 0
        self._idle: deque[Worker] = deque()
        self._waiters: deque[asyncio.Future[Worker]] = deque()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> None:
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            worker.wait_ready(self.start_timeout)
            self._idle.append(worker)
        self.isolated = all(worker.isolated for worker in workers)

    def _spawn(self) -> Worker:
        worker = Worker(self.snapshots, self.isolate, self.memory)
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
            self._release(worker)  # to a job waiting in its loop, or idle

    async def _acquire(self, seconds: float) -> Worker:
        with self._lock:
            if self._idle:
                return self._idle.popleft()
            waiter: asyncio.Future[Worker] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter, max(seconds, 0.0))
        except TimeoutError:
            raise timeout_error(seconds) from None

    def _release(self, worker: Worker) -> None:
        """Hand a worker to the oldest job waiting for one (in that job's loop), or make it idle."""
        with self._lock:
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    break
            else:
                self._idle.append(worker)
                return
        loop = waiter.get_loop()
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._hand_over(waiter, worker)
        else:
            try:
                loop.call_soon_threadsafe(self._hand_over, waiter, worker)
            except RuntimeError:  # that loop has ended
                self._release(worker)

    def _hand_over(self, waiter: asyncio.Future[Worker], worker: Worker) -> None:
        if waiter.done():  # it stopped waiting meanwhile
            self._release(worker)
        else:
            waiter.set_result(worker)

    async def run(self, job: QueryJob) -> QueryResult:
        deadline = time.monotonic() + job.timeout
        worker = await self._acquire(job.timeout)
        try:
            reply = await worker.call(encode_job(self.version, job), deadline - time.monotonic())
        except TimeoutError:
            self._replace(worker)
            raise timeout_error(job.timeout) from None
        except (EOFError, OSError):
            out_of_memory = self.memory is not None and await worker.ran_out_of_memory()
            self._replace(worker)
            if out_of_memory:
                raise memory_error(self.memory or 0) from None
            raise QueryFailed("The query worker stopped while evaluating the query.") from None
        except BaseException:  # cancelled mid-query: the worker's state is unknown
            self._replace(worker)
            raise
        if reply.kind == MEMORY:
            self._replace(worker)
            raise memory_error(self.memory or 0)
        self._release(worker)
        return _unpack(reply)

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
