"""What the hop to a query worker costs: ``ASK {}`` evaluated in this process and through the worker pool.

    python -m benchmarks.worker_hop [--rounds 2000]

Prints the median and p99 latency of each, side by side in one run, and their difference (the pipe
writes and event-loop wake-ups a query pays to be killable, memory-capped and without network).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from clusterkg.store.base import QueryJob
from clusterkg.store.embedded import EmbeddedStore

QUERY = QueryJob("ASK {}", "json")


def figures(samples: list[float]) -> tuple[float, float]:
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


async def through_pool(store: EmbeddedStore, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await store.query(QUERY)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def in_process(store: EmbeddedStore, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        store.query_sync(QUERY)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        store = EmbeddedStore(Path(work) / "data", workers=1)
        store.start()
        try:
            asyncio.run(through_pool(store, 50))  # warm up
            pooled = figures(asyncio.run(through_pool(store, args.rounds)))
            local = figures(in_process(store, args.rounds))
        finally:
            store.close()
    print(f"{'ASK {}':<22}{'median ms':>12}{'p99 ms':>10}")
    print(f"{'in this process':<22}{local[0]:>12.3f}{local[1]:>10.3f}")
    print(f"{'through a worker':<22}{pooled[0]:>12.3f}{pooled[1]:>10.3f}")
    print(f"{'hop':<22}{pooled[0] - local[0]:>12.3f}")


if __name__ == "__main__":
    main()
