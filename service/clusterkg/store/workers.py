"""Query worker processes that can be killed: the only way to stop a pyoxigraph query that runs too long.

Each worker is ``python -m clusterkg.store.worker_main SNAPSHOTS_DIR``: it opens the current published snapshot
of the store read-only (``snapshots.py``) and answers jobs sent as length-prefixed pickles over its
stdin/stdout pipes. A job carries the store's data version; a worker moves to the newest snapshot when
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
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from ..errors import QueryFailed, QueryMemory, QuerySyntaxError, QueryTimeout, ServiceForbidden, StoreUnavailable
from .base import QueryJob, QueryResult
from .worker_main import READY, read_frame, write_frame

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
    """One worker process and its pipes."""

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

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker to say it is ready, and whether it could leave the network."""
        ready = read_frame(self.stdout) if self._readable(timeout) else None
        if not isinstance(ready, tuple) or ready[0] != READY:
            self.kill()
            raise StoreUnavailable("A query worker did not start.")
        self.isolated = bool(ready[1])

    def _readable(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.stdout], [], [], max(timeout, 0.0))
        return bool(ready)

    def call(self, version: int, job: QueryJob, deadline: float) -> Any:
        """Send a job, wait until ``deadline`` (monotonic); ``TimeoutError`` if it passes."""
        write_frame(self.stdin, (version, job))
        if not self._readable(deadline - time.monotonic()):
            raise TimeoutError
        reply = read_frame(self.stdout)
        if reply is None:
            raise EOFError("the query worker exited")
        return reply

    def ran_out_of_memory(self) -> bool:
        """Whether the process ended as the engine ends on a failed allocation (SIGABRT)."""
        try:
            return self.process.wait(timeout=5) == -signal.SIGABRT
        except subprocess.TimeoutExpired:
            return False

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                stream.close()


class WorkerPool:
    """``size`` workers; ``run`` awaits a result without blocking the event loop."""

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
        self._idle: queue.Queue[Worker] = queue.Queue()
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._executor = ThreadPoolExecutor(max_workers=size * 4 + 4, thread_name_prefix="clusterkg-query")

    def start(self) -> None:
        workers = [self._spawn() for _ in range(self.size)]
        for worker in workers:
            worker.wait_ready(self.start_timeout)
            self._idle.put(worker)
        self.isolated = all(worker.isolated for worker in workers)

    def _spawn(self) -> Worker:
        worker = Worker(self.snapshots, self.isolate, self.memory)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, worker: Worker) -> None:
        """Kill a worker and start another in the background."""
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
            self._idle.put(worker)

    async def run(self, job: QueryJob) -> QueryResult:
        deadline = time.monotonic() + job.timeout
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.run_blocking, job, deadline)

    def run_blocking(self, job: QueryJob, deadline: float) -> QueryResult:
        try:
            worker = self._idle.get(timeout=max(deadline - time.monotonic(), 0.0))
        except queue.Empty:
            raise timeout_error(job.timeout) from None
        try:
            reply = worker.call(self.version, job, deadline)
        except TimeoutError:
            self._replace(worker)
            raise timeout_error(job.timeout) from None
        except (EOFError, OSError):
            out_of_memory = self.memory is not None and worker.ran_out_of_memory()
            self._replace(worker)
            if out_of_memory:
                raise memory_error(self.memory or 0) from None
            raise QueryFailed("The query worker stopped while evaluating the query.") from None
        if reply[0] == "memory":
            self._replace(worker)
            raise memory_error(self.memory or 0)
        self._idle.put(worker)
        return _unpack(reply)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
        self._executor.shutdown(wait=False, cancel_futures=True)


def _unpack(reply: tuple[str, Any]) -> QueryResult:
    kind, value = reply
    if kind == "ok":
        assert isinstance(value, QueryResult)
        return value
    if kind == "syntax":
        raise QuerySyntaxError.from_parser_message(str(value))
    if kind == "service":
        raise ServiceForbidden(
            f"The query tried to call a SERVICE endpoint, and this query may call none: {value}", target=None
        )
    raise QueryFailed(f"The query failed: {value}")
