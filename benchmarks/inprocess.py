"""The engine-only floor: the same queries on the same store with pyoxigraph in this process, no HTTP.

Each query is evaluated and serialised to SPARQL JSON by pyoxigraph, one at a time, for a fixed time;
requests/s is 1 / mean latency of that one thread.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from pyoxigraph import QueryResultsFormat, QuerySolutions, Store

from clusterkg.store.snapshots import acquire, snapshots_dir

from .load_test import Measure


def measure(store: Store, query: str, seconds: float, at_least: int = 3) -> Measure:
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(samples) < at_least:
        start = time.perf_counter()
        answer = store.query(query, use_default_graph_as_union=True)
        if isinstance(answer, QuerySolutions):
            answer.serialize(format=QueryResultsFormat.JSON)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return Measure(1000 / statistics.fmean(samples), statistics.median(samples), p99, len(samples), 0)


def run(data_dir: Path, queries: dict[str, str], seconds: float) -> dict[str, Measure]:
    held = acquire(snapshots_dir(data_dir))  # the service's published snapshot: nobody writes it
    try:
        store = Store.read_only(str(held.path))
        for query in queries.values():  # warm the caches as the servers' warm-up does
            measure(store, query, min(seconds, 1.0), at_least=1)
        return {name: measure(store, query, seconds) for name, query in queries.items()}
    finally:
        held.release()
