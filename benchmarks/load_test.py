"""Run wrk against one URL and read requests/s and the latency percentiles from its ``--latency`` report."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
PERCENTILE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", re.MULTILINE)
RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
TOTAL = re.compile(r"(\d+) requests in")


@dataclass(frozen=True)
class Measure:
    """One wrk run: requests/s, p50 and p99 in milliseconds, failed requests out of ``requests``."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    failed: int

    @property
    def ok(self) -> bool:
        return self.requests > 0 and self.failed == 0


def parse_report(text: str) -> Measure:
    latencies = {int(level): float(value) * UNITS[unit] for level, value, unit in PERCENTILE.findall(text)}
    rate = RATE.search(text)
    total = TOTAL.search(text)
    failed = sum(int(n) for n in NON_2XX.findall(text))
    errors = ERRORS.search(text)
    if errors:
        failed += sum(int(n) for n in errors.groups())
    return Measure(
        rps=float(rate.group(1)) if rate else 0.0,
        p50_ms=latencies.get(50, float("nan")),
        p99_ms=latencies.get(99, float("nan")),
        requests=int(total.group(1)) if total else 0,
        failed=failed,
    )


def wrk(
    url: str, accept: str, seconds: float, connections: int = 16, threads: int = 2, *, script: Path | None = None
) -> Measure:
    """``wrk -tT -cC -dDs --latency`` with the Accept header (and a Lua ``script`` choosing each request's
    path, if given); non-2xx answers and socket errors count as failed."""
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(int(seconds), 1)}s",
        "--timeout",
        "10s",
        "--latency",
        "-H",
        f"Accept: {accept}",
        *(["-s", str(script)] if script is not None else []),
        url,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=seconds + 60)
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    return parse_report(completed.stdout)
