"""``/health`` answers from the event loop with the last background check: it does not wait for a store that
is slow to count, nor behind queries and validation; a store that stops answering makes it 503."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from clusterkg.app import create_app
from clusterkg.config import Settings
from clusterkg.store import open_store
from clusterkg.store.embedded import EmbeddedStore
from clusterkg.store.monitor import StoreMonitor
from conftest import FIXTURE_TRIPLES, write_sources


class StuckCount:
    """An embedded store whose count blocks once ``stuck`` is set, as a busy or wedged store would."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.inner = store
        self.stuck = threading.Event()
        self.release = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def triple_count(self) -> int:
        if self.stuck.is_set():
            self.release.wait(30)
        count: int = self.inner.triple_count()
        return count


def test_health_does_not_wait_for_a_store_that_is_slow_to_answer(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", source_dir=write_sources(tmp_path / "src"), query_workers=1)
    open_store(settings, update_from_sources=True).close()  # built, then opened by the app
    store = StuckCount(EmbeddedStore(settings.data_dir, workers=1))
    with TestClient(create_app(settings, store=store)) as client:  # type: ignore[arg-type]
        assert client.get("/health").json()["store"]["triples"] >= FIXTURE_TRIPLES
        store.stuck.set()
        try:
            started = time.monotonic()
            answers = [client.get("/health") for _ in range(20)]
            assert time.monotonic() - started < 2.0  # twenty answers while a count is stuck for 30 s
            assert {answer.status_code for answer in answers} == {200}
        finally:
            store.release.set()


def test_a_store_that_stops_answering_makes_health_503() -> None:
    class Silent:
        description = "a store that never answers"

        def triple_count(self) -> int:
            time.sleep(0.5)
            return 0

    async def scenario() -> tuple[str | None, str | None]:
        monitor = StoreMonitor(Silent(), interval=0.05, timeout=0.1)  # type: ignore[arg-type]
        first = await monitor.check()
        monitor.last = monitor.last and type(monitor.last)(time.monotonic() - 10, triples=1)
        stale = monitor.status()
        await monitor.stop()
        return first.problem, stale.problem

    timed_out, stale = asyncio.run(scenario())
    assert timed_out is not None and "did not answer within 0.1 s" in timed_out
    assert stale is not None and "has not answered for" in stale
