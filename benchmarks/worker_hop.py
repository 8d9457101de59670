"""What the hop to a query worker costs: ``ASK {}`` evaluated in this process and through the worker pool.

    python -m benchmarks.worker_hop [--rounds 2000] [--rows N]

Prints the median and p99 latency of each, side by side in one run, and their difference (the pipe
writes and event-loop wake-ups a query pays to be killable, memory-capped and without network). With
``--rows``, the query is a SELECT of N rows (two variables, from a VALUES block) written as SPARQL JSON,
so that the figures include writing an answer and sending its bytes.
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


def select(rows: int) -> QueryJob:
    values = " ".join(str(n) for n in range(rows))
    text = f'SELECT ?n ?label WHERE {{ VALUES ?n {{ {values} }} BIND(CONCAT("row ", STR(?n)) AS ?label) }}'
    return QueryJob(text, "json")


def figures(samples: list[float]) -> tuple[float, float]:
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


async def through_pool(store: EmbeddedStore, rounds: int, job: QueryJob = QUERY) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        await store.query(job)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def in_process(store: EmbeddedStore, rounds: int, job: QueryJob = QUERY) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        store.query_sync(job)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--rows", type=int, help="a SELECT of this many rows instead of ASK {}")
    args = parser.parse_args()
    job, name = (QUERY, "ASK {}") if args.rows is None else (select(args.rows), f"SELECT, {args.rows:,} rows")
    with tempfile.TemporaryDirectory() as work:
        store = EmbeddedStore(Path(work) / "data", workers=1)
        store.start()
        try:
            asyncio.run(through_pool(store, 50, job))  # warm up
            pooled = figures(asyncio.run(through_pool(store, args.rounds, job)))
            local = figures(in_process(store, args.rounds, job))
        finally:
            store.close()
    print(f"{name:<22}{'median ms':>12}{'p99 ms':>10}")
    print(f"{'in this process':<22}{local[0]:>12.3f}{local[1]:>10.3f}")
    print(f"{'through a worker':<22}{pooled[0]:>12.3f}{pooled[1]:>10.3f}")
    print(f"{'hop':<22}{pooled[0] - local[0]:>12.3f}")


if __name__ == "__main__":
    main()
