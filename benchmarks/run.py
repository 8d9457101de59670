"""``make bench``: ClusterKG's service against Oxigraph server, rdflib-endpoint and pyoxigraph in-process.

For each size: build the dataset (the project's sources + a synthetic graph), bulk-load it into the
embedded store under ``/usr/bin/time -v``, time the service's start-up over the persisted store, start
the three servers on free 127.0.0.1 ports, and run wrk (16 connections, fixed duration after a
warm-up) for every query on every server, interleaving the servers and rotating their order each round.
Prints the table and writes ``docs/benchmarks.md``.

    python -m benchmarks.run --sizes 100k            # quick
    python -m benchmarks.run --sizes 100k,1M,10M     # full
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from . import inprocess, report, validation
from .dataset import REPO, build_dataset
from .generate import parse_size
from .load_test import Measure, wrk
from .results import Cell, SizeResult
from .servers import HTTP_WORKERS, JSON_RESULTS, Server, get, start_ours, start_oxigraph, start_rdflib

BENCH = Path(__file__).resolve().parent
ID = "https://w3id.org/clusterkg/id/"
#: Canned queries and the parameters that reach the synthetic data; other canned queries with parameters
#: are taken with the parameters of their header's example, up to ``MAX_CANNED``.
CANNED = {"membership-over-time": {"org": ID + "org/bench-cluster-org-3", "lang": "ja"}}
MAX_CANNED = 3
#: A server that takes longer than this to answer a query once is not load-tested on it.
PROBE_TIMEOUT = 60.0
#: Servers measured in the first ``--rdflib-rounds`` rounds only: rdflib-endpoint is slow, and the
#: uncached service is there to show what the cache adds, not for a ratio (but on the streams, where its
#: ratio is the target, it runs every round: ``measured_in_round``).
UNCACHED = "ours, cache off"
ONE_ROUND = ("rdflib-endpoint", UNCACHED)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the queries -----------------------------------------------------------------------------------


def sparql_cells() -> list[Cell]:
    cells = []
    for path in sorted((BENCH / "queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        cells.append(Cell(path.stem, "sparql", text, "/sparql?query=" + quote(text, safe="")))
    order = {"lookup": 0, "aggregate": 1, "text-search": 2}
    return sorted(cells, key=lambda cell: order.get(cell.name, 9))


STREAM_LOOKUPS = 500
STREAM_AGGREGATES = 50
AGGREGATE_VARIANT = """PREFIX ckg: <https://w3id.org/clusterkg/ont#>
SELECT ?function (COUNT(?service) AS ?services)
WHERE {{ ?service ckg:supportFunction ?function }}
GROUP BY ?function HAVING (COUNT(?service) >= {least})
ORDER BY DESC(?services) ?function"""


def stream_cells() -> list[Cell]:
    """500 different entity lookups and 50 different GROUP BY aggregates, each a stream wrk goes through."""
    lookups = [f"SELECT ?p ?o WHERE {{ <{ID}org/bench-{3 * i}> ?p ?o }}" for i in range(STREAM_LOOKUPS)]
    aggregates = [AGGREGATE_VARIANT.format(least=least) for least in range(STREAM_AGGREGATES)]
    return [
        Cell(f"{STREAM_LOOKUPS} different lookups", "lookup-stream", lookups[0], sparql_path(lookups[0]), lookups),
        Cell(
            f"{STREAM_AGGREGATES} different aggregates",
            "aggregate-stream",
            aggregates[0],
            sparql_path(aggregates[0]),
            aggregates,
        ),
    ]


def sparql_path(query: str, path: str = "/sparql") -> str:
    return f"{path}?query={quote(query, safe='')}"


def canned_params() -> dict[str, dict[str, str]]:
    """The canned queries to measure: ``CANNED`` first, then others with parameters, by name."""
    from clusterkg.canned.catalogue import Catalogue  # noqa: PLC0415 - needs the installed package

    chosen = {name: params for name, params in CANNED.items() if (REPO / "queries" / f"{name}.rq").is_file()}
    for query in Catalogue.load(REPO / "queries"):
        if len(chosen) >= MAX_CANNED:
            break
        if query.name not in chosen and query.header.parameters:
            example = query.header.example or ""
            chosen[query.name] = dict(parse_qsl(urlsplit(example).query)) if "?" in example else {}
    return chosen


def canned_cells() -> list[Cell]:
    """Our ``GET /queries/NAME?...``; the anchors get the very SPARQL it runs (parameters bound, paged)."""
    from clusterkg.canned.catalogue import Catalogue  # noqa: PLC0415
    from clusterkg.canned.runner import CannedQueries, Page  # noqa: PLC0415
    from clusterkg.formats import BY_NAME  # noqa: PLC0415

    class Unused:  # preparing a query reads only how the store binds parameters; it is never queried here
        binds_in_filters = False

    canned = CannedQueries(Catalogue.load(REPO / "queries"), store=Unused())  # type: ignore[arg-type]
    cells = []
    for name, params in canned_params().items():
        prepared = canned.prepare(name, params, BY_NAME["json"], Page())
        path = f"/queries/{name}" + (f"?{urlencode(params)}" if params else "")
        cells.append(Cell(f"canned: {name}", "canned", prepared.job.query, path))
    return cells


# --- loading and start-up ----------------------------------------------------------------------------


def timed_load(data_dir: Path, nquads: Path) -> dict[str, float]:
    """Bulk-load in a child process under ``/usr/bin/time -v``: wall time and peak RSS of the process."""
    command = ["/usr/bin/time", "-v", sys.executable, "-m", "benchmarks.load"]
    completed = subprocess.run(
        [*command, "--data-dir", str(data_dir), "--file", str(nquads)],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    result: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", completed.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", completed.stderr)
    if peak:
        result["peak_rss_mb"] = round(int(peak.group(1)) / 1024, 1)
    if wall:
        parts = [float(part) for part in wall.group(1).split(":")]
        result["process_s"] = round(sum(value * 60**i for i, value in enumerate(reversed(parts))), 2)
    return result


def measure_startup(data_dir: Path, logs: Path, times: int, http_workers: int) -> list[float]:
    """Seconds from ``clusterkg serve`` to its first answered query, ``times`` times (store persisted)."""
    samples = []
    for _ in range(times):
        server = start_ours(data_dir, logs / "ours-startup.log", http_workers=http_workers)
        samples.append(round(server.started_s, 3))
        server.stop()
    return samples


# --- the load tests ------------------------------------------------------------------------------------


def url_for(server: Server, cell: Cell) -> str:
    if server.name.startswith("ours"):
        return server.base + cell.ours_path
    return server.query_url(cell.sparql)


def stream_script(server: Server, cell: Cell, directory: Path) -> Path:
    """A wrk script that sends the cell's queries in turn to ``server``."""
    paths = [
        sparql_path(query, "/sparql" if server.name.startswith("ours") else server.sparql_path)
        for query in cell.variants
    ]
    script = directory / f"stream-{cell.kind}-{server.name.replace(' ', '').replace(',', '-')}.lua"
    listed = ",\n".join(json.dumps(path) for path in paths)
    script.write_text(
        f"local paths = {{\n{listed}\n}}\nlocal n = 0\n"
        "request = function()\n  n = n + 1\n  return wrk.format(nil, paths[(n % #paths) + 1])\nend\n",
        encoding="utf-8",
    )
    return script


def count_rows(body: bytes) -> int | None:
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if isinstance(document, dict) and "results" in document:
        return len(document["results"].get("bindings", []))
    return None


def probe(servers: list[Server], cells: list[Cell], result: SizeResult) -> list[tuple[Server, Cell]]:
    """Ask every server every query once; keep the pairs that answer 200, note the row counts."""
    pairs = []
    for cell in cells:
        for server in servers:
            try:
                status, body = get(url_for(server, cell), timeout=PROBE_TIMEOUT)
            except OSError as error:  # a timeout, or the server closed the connection
                status, body = 0, f"no answer within {PROBE_TIMEOUT:g} s: {error}".encode()
            result.rows[(cell.name, server.name)] = count_rows(body) if status == 200 else None
            if status == 200:
                pairs.append((server, cell))
            else:
                result.notes.append(f"{server.name} answered {status} to {cell.name}: {body[:200]!r}")
    return pairs


def load_tests(pairs: list[tuple[Server, Cell]], result: SizeResult, args: argparse.Namespace) -> None:
    """``rounds`` rounds; within a query the servers take turns, in an order rotated every round."""
    names = [cell.name for cell in result.cells]
    for round_number in range(args.rounds):
        for name in names:
            turn = [(s, c) for s, c in pairs if c.name == name]
            shift = round_number % max(len(turn), 1)
            for server, cell in turn[shift:] + turn[:shift]:
                if not measured_in_round(server, cell, round_number, args.rdflib_rounds):
                    continue
                url = url_for(server, cell)
                script = stream_script(server, cell, args.work) if cell.variants else None
                wrk(url, JSON_RESULTS, args.warmup, script=script)
                measure = wrk(url, JSON_RESULTS, args.seconds, script=script)
                result.runs.setdefault((cell.name, server.name), []).append(measure)
                log(f"{result.size} r{round_number + 1} {cell.name:<32} {server.name:<16} {measure.rps:>10.1f}/s")


def measured_in_round(server: Server, cell: Cell, round_number: int, first_rounds: int) -> bool:
    """The servers of ``ONE_ROUND`` run in the first rounds only, but the uncached service runs every round
    of a stream: its ratio to Oxigraph server there is a target, measured side by side like the others."""
    if server.name == UNCACHED and cell.variants:
        return True
    return server.name not in ONE_ROUND or round_number < first_rounds


def start_servers(size: str, work: Path, nquads: Path, args: argparse.Namespace) -> list[Server]:
    """Every server for this size; if one fails to start, those already started are stopped."""
    logs = work / "logs"
    starters: list[Callable[[], Server]] = [lambda: start_ours(work / "ours", logs / "ours.log")]
    if args.uncached:
        starters.append(lambda: start_ours(work / "ours", logs / "ours-uncached.log", cache=False))
    starters.append(lambda: start_oxigraph(work / "oxigraph-server", logs / "oxigraph.log"))
    if parse_size(size) <= parse_size(args.rdflib_max):
        starters.append(lambda: start_rdflib(nquads, logs / "rdflib.log"))
    servers: list[Server] = []
    try:
        for starter in starters:
            servers.append(starter())
            log(f"{size}: {servers[-1].name} answering after {servers[-1].started_s:.1f} s")
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def bench_size(size: str, args: argparse.Namespace) -> SizeResult:
    work = args.work / size
    nquads, quads = build_dataset(size, args.work)
    log(f"{size}: {quads} quads in {nquads}; bulk-loading")
    load = timed_load(work / "ours", nquads)
    log(f"{size}: loaded in {load['load_s']} s, peak {load['peak_rss_mb']} MB")
    shutil.rmtree(work / "oxigraph-server", ignore_errors=True)
    shutil.copytree(work / "ours" / "oxigraph", work / "oxigraph-server")
    startup = measure_startup(work / "ours", work / "logs", args.startups, HTTP_WORKERS)
    startup_single = measure_startup(work / "ours", work / "logs", args.startups, 1)
    log(f"{size}: start-up {startup} s ({HTTP_WORKERS} HTTP processes), {startup_single} s (one)")
    cells = [c for c in sparql_cells() + stream_cells() + canned_cells() if not args.only or c.kind in args.only]
    result = SizeResult(size, quads, load, startup, cells, load_average=list(os.getloadavg()))
    result.startup_single_s = startup_single
    servers = start_servers(size, work, nquads, args)
    try:
        pairs = probe(servers, cells, result)
        log(f"{size}: engine floor (pyoxigraph in-process)")
        result.floor = inprocess.run(work / "ours", {c.name: c.sparql for c in cells}, args.seconds / 2)
        load_tests(pairs, result, args)
        if args.validation and parse_size(size) == parse_size(args.validation):
            result.validation = validation.measure(servers[0], REPO, args.validation_runs)
    finally:
        for server in servers:
            server.stop()
    return result


def environment() -> dict[str, str]:
    """Machine, versions and date, for the report."""
    from importlib.metadata import version  # noqa: PLC0415

    def safe(get_version: Callable[[], str]) -> str:
        try:
            return get_version()
        except Exception:  # noqa: BLE001 - a missing tool is reported as such
            return "not installed"

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split("\n")[0]
    info = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": f"{os.cpu_count()} × {cpu}",
        "memory": f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        "python": sys.version.split()[0],
        "wrk": wrk_version.strip() or "unknown",
        "load average at start": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }
    for package in (
        "pyoxigraph",
        "oxigraph",
        "rdflib",
        "rdflib-endpoint",
        "fastapi",
        "starlette",
        "uvicorn",
        "uvloop",
        "httptools",
        "orjson",
        "pyshacl",
    ):
        info[package] = safe(lambda package=package: version(package))
    return info


# --- saved results: docs/benchmarks.md can be written again from them (--render) --------------------


def to_json(result: SizeResult) -> dict[str, object]:
    plain = asdict(result)
    plain["runs"] = [
        {"query": q, "server": s, "measures": [asdict(m) for m in ms]} for (q, s), ms in result.runs.items()
    ]
    plain["rows"] = [{"query": q, "server": s, "rows": n} for (q, s), n in result.rows.items()]
    return plain


def from_json(plain: dict[str, Any]) -> SizeResult:
    result = SizeResult(**{**plain, "cells": [Cell(**c) for c in plain["cells"]], "runs": {}, "rows": {}})
    result.runs = {(r["query"], r["server"]): [Measure(**m) for m in r["measures"]] for r in plain["runs"]}
    result.rows = {(r["query"], r["server"]): r["rows"] for r in plain["rows"]}
    result.floor = {name: Measure(**m) for name, m in plain["floor"].items()}
    return result


def save(path: Path, info: dict[str, str], results: list[SizeResult], args: argparse.Namespace, command: str) -> None:
    settings = {key: getattr(args, key) for key in ("seconds", "warmup", "rounds", "rdflib_rounds")}
    document = {"info": info, "command": command, "settings": settings, "results": [to_json(r) for r in results]}
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")


def render(path: Path, out: Path) -> None:
    """Write ``out`` again from saved results (after a change to the report's layout)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    results = [from_json(plain) for plain in document["results"]]
    args = argparse.Namespace(**document["settings"])
    out.write_text(report.markdown(document["info"], results, args, document["command"]), encoding="utf-8")
    print(report.table(results))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark ClusterKG against its anchors.")
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "100k"), help="comma-separated: 100k,1M,10M")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per wrk run")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds before each run")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians are reported)")
    parser.add_argument("--rdflib-rounds", type=int, default=1, help="rounds for rdflib-endpoint (it is slow)")
    parser.add_argument("--rdflib-max", default="1M", help="largest size rdflib-endpoint is loaded with")
    parser.add_argument("--no-uncached", dest="uncached", action="store_false", help="skip ours with the cache off")
    parser.add_argument(
        "--only",
        type=lambda text: {kind.strip() for kind in text.split(",") if kind.strip()},
        default=set(),
        help="run only these kinds of query (e.g. lookup-stream,aggregate-stream: the uncached streams)",
    )
    parser.add_argument("--startups", type=int, default=3, help="start-ups timed per size")
    parser.add_argument("--validation", default="1M", help="size at which validation latency is measured")
    parser.add_argument("--validation-runs", type=int, default=30)
    parser.add_argument("--work", type=Path, default=REPO / "var" / "bench")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--render", type=Path, help="only write --out again from this saved results.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.render:
        render(args.render, args.out)
        return
    sizes = [size.strip() for size in args.sizes.split(",") if size.strip()]
    if parse_size(args.validation) not in {parse_size(size) for size in sizes}:
        args.validation = sizes[-1]  # measure validation at the largest size run
    info = environment()
    command = " ".join(["python -m benchmarks.run", *(argv if argv is not None else sys.argv[1:])])
    results = []
    for size in sizes:
        results.append(bench_size(size, args))
        text = report.markdown(info, results, args, command)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        save(args.work / "results.json", info, results, args, command)
    print(report.table(results))
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
