"""How long validating one new case takes when the graph holds about a million triples.

    python -m benchmarks.validation_latency                       # 1M triples, work files in /tmp
    python -m benchmarks.validation_latency --size 100k --runs 50 --work var/bench

Builds the benchmark dataset once (``dataset.py``: the project's sources plus a synthetic graph shaped
like ours), bulk-loads it into an embedded store, and times, for two entries cut from the example case
(``data/examples/cases/valid/example-valley.ttl``: all of it, and its association with its membership
figure and the source passages):

- ``neighbourhood``: the one SPARQL query that fetches what the graph says of the IRIs the entry refers to;
- ``validate``: ``EntryValidator.validate`` in-process (neighbourhood, entry rules, shapes), wall and CPU;
- ``POST /validate``: through ``clusterkg serve`` over the same store (reading, validation, the report).

Prints the median and 99th percentile in milliseconds as a table and one JSON line. Nothing is asserted:
it is a measurement (the machine's other load shows in the wall-clock figures; CPU time less so).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import BlankNode, NamedNode, RdfFormat, parse, serialize

from clusterkg.entries.neighbourhood import StoreContext, describe_query
from clusterkg.entries.reading import Entry, format_named, read_entry
from clusterkg.entries.validation import EntryValidator
from clusterkg.sources import locate
from clusterkg.store.base import QueryJob
from clusterkg.store.embedded import EmbeddedStore

from .dataset import REPO, build_dataset
from .load import load
from .servers import Server, start_ours

EXAMPLE = REPO / "data" / "examples" / "cases" / "valid" / "example-valley.ttl"
ID = "https://w3id.org/clusterkg/id/"
PART = {
    ID + "doc/example-valley-report",
    ID + "doc/example-valley-report/s1",
    ID + "doc/example-valley-report/s2",
    ID + "org/example-valley-association",
    ID + "dataset/example-valley-association-membership-2024",
    ID + "obs/example-valley-association-members-2024-04-01-companies",
}


def entries() -> dict[str, bytes]:
    """The whole example case, and the part of it about the association (with their blank nodes)."""
    triples = [quad.triple for quad in parse(path=str(EXAMPLE), format=RdfFormat.TURTLE)]
    keep = {NamedNode(iri) for iri in PART}
    part = [t for t in triples if t.subject in keep]
    blanks = {t.object for t in part if isinstance(t.object, BlankNode)}
    part += [t for t in triples if t.subject in blanks]
    return {
        f"whole case ({len(triples)} triples)": serialize(triples, format=RdfFormat.N_TRIPLES) or b"",
        f"association part ({len(part)} triples)": serialize(part, format=RdfFormat.N_TRIPLES) or b"",
    }


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 1),
    }


def timed(action: Callable[[], object], runs: int, clock: Callable[[], float] = time.perf_counter) -> list[float]:
    for _ in range(3):  # warm-up
        action()
    samples = []
    for _ in range(runs):
        start = clock()
        action()
        samples.append(clock() - start)
    return samples


def in_process(data_dir: Path, bodies: dict[str, bytes], runs: int) -> dict[str, dict[str, object]]:
    validator = EntryValidator.load(locate())
    store = EmbeddedStore(data_dir, workers=0, read_only=True)
    store.start()
    try:
        context = StoreContext(store)
        results: dict[str, dict[str, object]] = {}
        for name, body in bodies.items():
            entry: Entry = read_entry(body, format_named("ntriples"))
            iris = {t.object.value for t in entry.triples if isinstance(t.object, NamedNode)}
            iris |= {t.subject.value for t in entry.triples if isinstance(t.subject, NamedNode)}
            job = QueryJob(describe_query(iris), "ntriples", max_rows=1_000_000)
            report = validator.validate(entry, context)
            results[name] = {
                "conforms": report.conforms,
                "neighbourhood": percentiles(timed(lambda job=job: store.query_sync(job), runs)),
                "validate (wall)": percentiles(timed(lambda e=entry: validator.validate(e, context), runs)),
                "validate (cpu)": percentiles(
                    timed(lambda e=entry: validator.validate(e, context), runs, time.process_time)
                ),
            }
        return results
    finally:
        store.close()


def post(url: str, body: bytes) -> None:
    request = urllib.request.Request(  # noqa: S310 - a local server
        url, data=body, method="POST", headers={"Content-Type": "application/n-triples"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        response.read()


def over_http(data_dir: Path, bodies: dict[str, bytes], runs: int, log: Path) -> dict[str, dict[str, float]]:
    server: Server = start_ours(data_dir, log)
    try:
        url = server.base + "/validate"
        return {name: percentiles(timed(lambda b=body: post(url, b), runs)) for name, body in bodies.items()}
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="1M", help="Synthetic graph size (100k, 1M...).")
    parser.add_argument("--runs", type=int, default=100, help="Validations timed per entry and way.")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "clusterkg-validation-bench")
    args = parser.parse_args()
    nquads, quads = build_dataset(args.size, args.work)
    data_dir = args.work / f"store-{args.size}"
    loaded = load(data_dir, nquads)
    bodies = entries()
    results = {
        "size": args.size,
        "quads": quads,
        "load_s": loaded["load_s"],
        "in_process": in_process(data_dir, bodies, args.runs),
        "http": over_http(data_dir, bodies, args.runs, args.work / f"serve-{args.size}.log"),
    }
    print(f"{quads} quads in the store (loaded in {loaded['load_s']} s); {args.runs} runs each\n")
    print(f"{'entry':<32} {'measure':<22} {'p50 ms':>8} {'p99 ms':>8}")
    for name in bodies:
        rows = {**{k: v for k, v in results["in_process"][name].items() if k != "conforms"}}  # type: ignore[index]
        rows["POST /validate"] = results["http"][name]  # type: ignore[index]
        for measure, figures in rows.items():
            print(f"{name:<32} {measure:<22} {figures['p50_ms']:>8} {figures['p99_ms']:>8}")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
