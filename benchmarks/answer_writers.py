"""What writing a SELECT answer costs: the engine's serialisers (as a query worker writes an answer within the
row limit) against the Python writers (as it writes one that is cut), side by side in one process.

    python -m benchmarks.answer_writers [--triples 100000] [--rounds 5]

Loads a synthetic graph (``generate.py``) into an in-memory store and, for the benchmark's streams (500
entity lookups, 50 GROUP BY aggregates) and one large answer, times evaluation plus writing both ways in
every results format, interleaving the two each round. Prints the median microseconds a query and
their ratio.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

from pyoxigraph import QuerySolutions, RdfFormat, Store

from clusterkg.formats import BY_NAME, Kind, of_kind
from clusterkg.sparql.engine_results import write_whole
from clusterkg.sparql.serialise import serialise_solutions

from .generate import generate
from .run import AGGREGATE_VARIANT, ID, STREAM_AGGREGATES, STREAM_LOOKUPS

MAX_ROWS = 100_000
Writer = Callable[[QuerySolutions, str], bytes]


def workloads() -> dict[str, list[str]]:
    return {
        f"{STREAM_LOOKUPS} lookups": [
            f"SELECT ?p ?o WHERE {{ <{ID}org/bench-{3 * i}> ?p ?o }}" for i in range(STREAM_LOOKUPS)
        ],
        f"{STREAM_AGGREGATES} aggregates": [
            AGGREGATE_VARIANT.format(least=least) for least in range(STREAM_AGGREGATES)
        ],
        "10,000 rows": ["SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10000"],
    }


def engine(answer: QuerySolutions, fmt: str) -> bytes:
    whole = write_whole(answer, BY_NAME[fmt], MAX_ROWS)
    assert whole is not None, "every answer here is within the row limit"
    return whole.body


def python(answer: QuerySolutions, fmt: str) -> bytes:
    names = [variable.value for variable in answer.variables]
    return serialise_solutions(names, (tuple(row) for row in answer), BY_NAME[fmt], MAX_ROWS).body


def per_query(store: Store, queries: list[str], fmt: str, write: Writer, at_least: float = 0.2) -> float:
    """Microseconds a query, evaluating and writing ``queries`` in turn for at least ``at_least`` seconds."""
    done, started = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - started) < at_least or done < len(queries):
        answer = store.query(queries[done % len(queries)], use_default_graph_as_union=True)
        assert isinstance(answer, QuerySolutions)
        write(answer, fmt)
        done += 1
    return elapsed / done * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    text = io.StringIO()
    generate(text, args.triples)
    store = Store()
    store.load(text.getvalue(), format=RdfFormat.N_QUADS)
    print(f"{'workload':<16}{'format':<8}{'engine µs':>11}{'Python µs':>11}{'ratio':>8}")
    for name, queries in workloads().items():
        for fmt in (fmt.name for fmt in of_kind(Kind.RESULTS)):
            times: dict[Writer, list[float]] = {engine: [], python: []}
            for _ in range(args.rounds):
                for write in (engine, python) if _ % 2 == 0 else (python, engine):
                    times[write].append(per_query(store, queries, fmt, write))
            ours, theirs = statistics.median(times[engine]), statistics.median(times[python])
            print(f"{name:<16}{fmt:<8}{ours:>11.1f}{theirs:>11.1f}{theirs / ours:>7.2f}×")


if __name__ == "__main__":
    main()
