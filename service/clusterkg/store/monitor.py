"""The store's health, checked in the background, so that ``/health`` answers from the event loop at once.

A check (the store's triple count, which proves it answers) runs every ``interval`` seconds in a thread
of its own, never in the pools that queries and validation use, so it does not wait behind them, and
``/health`` never waits for it: it reports the last check. A check that fails, or none finished for
``stale_after`` seconds, makes the store unhealthy (``/health`` answers 503).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..errors import ClusterKGError
from .base import Store

log = logging.getLogger("clusterkg.health")


@dataclass(frozen=True)
class Check:
    """One check's outcome: the triple count, or the problem; ``at`` is ``time.monotonic()``."""

    at: float
    triples: int | None = None
    problem: str | None = None


class StoreMonitor:
    def __init__(self, store: Store, interval: float = 2.0, timeout: float = 5.0) -> None:
        self.store = store
        self.interval = interval
        self.timeout = timeout
        self.stale_after = interval + timeout + 1.0
        self.last: Check | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clusterkg-health")
        self._task: asyncio.Task[None] | None = None

    async def check(self) -> Check:
        loop = asyncio.get_running_loop()
        try:
            count = loop.run_in_executor(self._executor, self.store.triple_count)
            self.last = Check(time.monotonic(), triples=await asyncio.wait_for(count, self.timeout))
        except TimeoutError:
            self.last = Check(time.monotonic(), problem=f"The store did not answer within {self.timeout:g} s.")
        except ClusterKGError as error:
            self.last = Check(time.monotonic(), problem=f"The store is not reachable: {error.message}")
        return self.last

    async def _run(self) -> None:
        while True:
            await self.check()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._executor.shutdown(wait=False, cancel_futures=True)

    def status(self) -> Check:
        """The last check, or a problem if there is none recent enough."""
        last = self.last
        if last is None:
            return Check(time.monotonic(), problem="The store has not been checked yet.")
        if time.monotonic() - last.at > self.stale_after:
            return Check(last.at, problem=f"The store has not answered for {time.monotonic() - last.at:.0f} s.")
        return last
