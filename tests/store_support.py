"""A stand-in for the embedded store's worker pool, for tests that check which queries reach a worker."""

from __future__ import annotations

from pathlib import Path

from clusterkg.store.base import QueryJob, QueryResult
from clusterkg.store.embedded import EmbeddedStore


class CountingPool:
    """Stands for the worker pool: counts the jobs sent to it, and answers them as a worker would."""

    def __init__(self, store: EmbeddedStore) -> None:
        self.store, self.jobs, self.version = store, 0, 0

    async def run(self, job: QueryJob) -> QueryResult:
        self.jobs += 1
        return self.store.query_sync(job)

    def close(self) -> None:
        pass


def open_counting(path: Path, *, shared: bool) -> tuple[EmbeddedStore, CountingPool]:
    """An embedded store in ``path`` (as each of several HTTP processes opens it, if ``shared``) whose
    worker pool is a ``CountingPool``."""
    embedded = EmbeddedStore(path, workers=1, shared=shared)
    embedded.start()
    assert embedded._pool is not None
    embedded._pool.close()
    pool = CountingPool(embedded)
    embedded._pool = pool  # type: ignore[assignment]
    return embedded, pool
