"""The results as a text table (printed) and as ``docs/benchmarks.md``."""

from __future__ import annotations

import argparse
import math
import statistics
from typing import TYPE_CHECKING

from .generate import parse_size
from .load_test import Measure

if TYPE_CHECKING:
    from .results import SizeResult

SERVERS = ("ours", "oxigraph", "rdflib-endpoint", "ours, cache off")
#: (query kind or name, anchor) -> the ratio ours/anchor the targets ask for.
TARGETS = {
    ("canned", "oxigraph"): 2.0,
    ("aggregate", "oxigraph"): 1.5,
    ("aggregate", "rdflib-endpoint"): 30.0,
    ("lookup", "oxigraph"): 0.5,
    ("lookup", "rdflib-endpoint"): 5.0,
    # streams of different queries are measured with the cache off (a cache would hold them all)
    ("lookup-stream", "oxigraph"): 0.5,
    ("aggregate-stream", "oxigraph"): 1.0,
}
#: Kinds whose target is for the service with its result cache off.
UNCACHED_KINDS = ("lookup-stream", "aggregate-stream")


def median(measures: list[Measure]) -> Measure | None:
    if not measures:
        return None
    return Measure(
        statistics.median(m.rps for m in measures),
        statistics.median(m.p50_ms for m in measures),
        statistics.median(m.p99_ms for m in measures),
        sum(m.requests for m in measures),
        sum(m.failed for m in measures),
    )


def target(name: str, kind: str, anchor: str) -> float | None:
    return TARGETS.get((kind, anchor)) or TARGETS.get((name, anchor))


def ratio(result: SizeResult, name: str, anchor: str, ours_name: str = "ours") -> float | None:
    """Requests/s of ours over the anchor's; infinite when the anchor finished no request in its runs."""
    ours, other = median(result.runs.get((name, ours_name), [])), median(result.runs.get((name, anchor), []))
    if ours is None or other is None or ours.rps == 0:
        return None
    if other.requests == 0 or other.rps == 0:
        return math.inf
    return ours.rps / other.rps


def fmt_rps(measure: Measure | None) -> str:
    if measure is None:
        return "n/a"
    if measure.requests == 0:
        return "0 (none finished)"
    failed = f" ({measure.failed} failed)" if measure.failed else ""
    return f"{measure.rps:,.0f}{failed}" if measure.rps >= 10 else f"{measure.rps:.2f}{failed}"


def fmt_ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:,.0f}"


def fmt_latency(measure: Measure | None) -> str:
    if measure is None or measure.requests == 0:
        return "n/a" if measure is None else "–"
    return f"{fmt_ms(measure.p50_ms)} / {fmt_ms(measure.p99_ms)}"


def fmt_ratio(result: SizeResult, name: str, kind: str, anchor: str, ours_name: str = "ours") -> str:
    value = ratio(result, name, anchor, ours_name)
    if value is None:
        return "n/a"
    judged = "ours, cache off" if kind in UNCACHED_KINDS else "ours"  # the service the target is for
    wanted = target(name, kind, anchor) if ours_name == judged else None
    verdict = "" if wanted is None else (f" ✓ (≥{wanted:g})" if value >= wanted else f" ✗ (≥{wanted:g})")
    shown = "∞ (none of theirs finished)" if math.isinf(value) else f"{value:,.2f}×"
    return f"{shown}{verdict}"


def rows(result: SizeResult) -> list[list[str]]:
    out = []
    for cell in result.cells:
        measures = {server: median(result.runs.get((cell.name, server), [])) for server in SERVERS}
        floor = result.floor.get(cell.name)
        out.append(
            [
                cell.name,
                *(f"{fmt_rps(measures[s])} | {fmt_latency(measures[s])}" for s in SERVERS),
                f"{fmt_rps(floor)} | {fmt_latency(floor)}",
                fmt_ratio(result, cell.name, cell.kind, "oxigraph"),
                fmt_ratio(result, cell.name, cell.kind, "rdflib-endpoint"),
                fmt_ratio(result, cell.name, cell.kind, "oxigraph", "ours, cache off"),
            ]
        )
    return out


HEADER = [
    "query",
    "ours req/s · p50 / p99 ms",
    "Oxigraph server",
    "rdflib-endpoint",
    "ours, cache off",
    "pyoxigraph in-process (1 thread)",
    "ours / Oxigraph",
    "ours / rdflib-endpoint",
    "ours cache off / Oxigraph",
]


def markdown_table(header: list[str], body: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(cell.replace(" | ", " · ") for cell in row) + " |" for row in body)
    return "\n".join(lines)


def table(results: list[SizeResult]) -> str:
    """The plain-text table ``make bench`` prints."""
    parts = []
    for result in results:
        parts.append(f"\n== {result.size} ({result.quads:,} quads) ==")
        parts.append(summary_line(result))
        body = [[cell.replace(" | ", " ") for cell in row] for row in rows(result)]
        widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(HEADER)]
        parts.append("  ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True)))
        parts.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in body)
    return "\n".join(parts)


def summary_line(result: SizeResult) -> str:
    load = result.load
    startup = statistics.median(result.startup_s) if result.startup_s else float("nan")
    single = statistics.median(result.startup_single_s) if result.startup_single_s else float("nan")
    line = (
        f"bulk load {load.get('load_s')} s (process {load.get('process_s')} s), peak RSS {load.get('peak_rss_mb')} MB; "
        f"start-up over the persisted store {startup:.2f} s with 2 HTTP processes, "
        f"{single:.2f} s with one (medians of {len(result.startup_s)})"
    )
    if result.validation:
        line += "; validation " + validation_text(result.validation)
    return line


def validation_text(found: dict[str, object]) -> str:
    if "error" in found:
        return f"not measured: {found['error']}"
    return (
        f"p50 {found['p50_ms']} ms, p99 {found['p99_ms']} ms ({found['triples']} triples: {found['entry']}; "
        f"{found['runs']} sequential requests, HTTP {found['status']})"
    )


def targets_section(results: list[SizeResult]) -> list[str]:
    lines = ["## Targets", ""]
    for result in results:
        lines.append(f"- {result.size}: " + "; ".join(target_verdicts(result)))
    return lines


def target_verdicts(result: SizeResult) -> list[str]:
    verdicts = []
    for cell in result.cells:
        for anchor in ("oxigraph", "rdflib-endpoint"):
            wanted = target(cell.name, cell.kind, anchor)
            ours = "ours, cache off" if cell.kind in UNCACHED_KINDS else "ours"
            value = ratio(result, cell.name, anchor, ours)
            if wanted is not None and value is not None:
                mark = "met" if value >= wanted else "MISSED"
                shown = f"{value:.2f}×" if not math.isinf(value) else "∞ (it finished no request in 10 s)"
                who = " (cache off)" if ours != "ours" else ""
                verdicts.append(f"{cell.name}{who} vs {anchor} {shown} (target ≥{wanted:g}×, {mark})")
    if parse_size(result.size) == parse_size("1M"):
        load, peak = result.load.get("load_s", 0.0), result.load.get("peak_rss_mb", 0.0)
        verdicts.append(f"bulk load {load} s (≤15 s, {'met' if load <= 15 else 'MISSED'})")
        verdicts.append(f"peak RSS {peak} MB (≤1,536 MB, {'met' if peak <= 1536 else 'MISSED'})")
        startup = statistics.median(result.startup_s)
        verdicts.append(f"start-up {startup:.2f} s (≤2 s, {'met' if startup <= 2 else 'MISSED'})")
        if result.startup_single_s:
            single = statistics.median(result.startup_single_s)
            verdicts.append(f"start-up with one HTTP process {single:.2f} s ({'met' if single <= 2 else 'MISSED'})")
    if result.validation and "p50_ms" in result.validation:
        p50 = float(result.validation["p50_ms"])  # type: ignore[arg-type]
        verdicts.append(f"validation p50 {p50} ms (≤50 ms, {'met' if p50 <= 50 else 'MISSED'})")
    return verdicts


def markdown(info: dict[str, str], results: list[SizeResult], args: argparse.Namespace, command: str) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`benchmarks/run.py`); see `benchmarks/README.md` for what is measured and how.",
        "",
        "## Machine and versions",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        "",
        "## Command",
        "",
        f"`{command}` — wrk `-t2 -c16 --latency`, {args.warmup:g} s warm-up then {args.seconds:g} s measured per run,",
        f"{args.rounds} interleaved rounds (rdflib-endpoint: {args.rdflib_rounds}); figures are medians of the rounds.",
        "Requests/s with p50 / p99 latency in ms. wrk runs on the same 2 cores as the servers.",
        "",
        "Servers, each on a free 127.0.0.1 port:",
        "",
        "- ours: `clusterkg serve --http-workers 2 --data-dir DIR` with `CLUSTERKG_LOG_LEVEL=info` (access log on);",
        "  canned queries as `GET /queries/NAME?param=...`, the rest as `GET /sparql?query=...`",
        "- ours, cache off: the same with `CLUSTERKG_RESULT_CACHE_ENTRIES=0` (every request evaluated)",
        "- Oxigraph server: `oxigraph serve --location COPY --union-default-graph`, `GET /query?query=...`",
        "- rdflib-endpoint: `rdflib-endpoint serve dataset.nq`, `GET /?query=...`",
        "- pyoxigraph in-process: `Store.read_only(DIR).query(q, use_default_graph_as_union=True)` and the JSON",
        "  serialiser, one thread (`benchmarks/inprocess.py`)",
        "",
    ]
    for result in results:
        lines += [f"## {result.size} ({result.quads:,} quads)", "", summary_line(result), ""]
        lines += [f"Load average when the size started: {' '.join(f'{v:.2f}' for v in result.load_average)}", ""]
        lines += [markdown_table(HEADER, rows(result)), ""]
        lines += row_counts(result)
        if result.notes:
            lines += ["Notes:", "", *(f"- {note}" for note in result.notes), ""]
    lines += targets_section(results)
    lines += ["", *READING]
    return "\n".join(lines) + "\n"


READING = [
    "## Reading the tables",
    "",
    "- **ours** answers a query asked again from its result cache, which every write invalidates (the data",
    "  version is part of the key), and a `GET /sparql` (cached or not) is answered before the routing",
    "  layers, after the same limits, policy checks and negotiation. For repeated queries it measures the HTTP stack, not",
    "  the engine: this is what a service in front of dashboards, pages and canned queries mostly does.",
    "- **ours, cache off** evaluates every request: the HTTP process sends the query through a pipe to a",
    "  query worker process (killed if it runs over the timeout), which evaluates it with pyoxigraph and",
    "  writes the results in Python (so that it can stop at the row limit), and sends the bytes back.",
    "- **0 (none finished)**: the server completed no request in a 10 s run (each took longer than that with",
    "  16 connections on 2 cores); a ratio against it is shown as ∞. **n/a**: the server refused the",
    "  query (see Notes), or was not loaded at that size (rdflib-endpoint above 1M).",
    "- wrk shares the 2 cores with the server under test, and the machine was shared with other work (the",
    "  load average is recorded for each size), so figures vary from round to round; compare the servers",
    "  within one run, through the ratios.",
]


def row_counts(result: SizeResult) -> list[str]:
    """Rows each server returned per query (they must agree; canned answers are counted by our service)."""
    parts = []
    for cell in result.cells:
        counts = [f"{server} {result.rows.get((cell.name, server))}" for server in SERVERS]
        parts.append(f"{cell.name}: " + ", ".join(counts))
    return ["Rows returned: " + "; ".join(parts) + ".", ""]
