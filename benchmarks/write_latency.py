"""How long an accepted case takes with readers running, in each mode: one HTTP process and two. Not a
timed test: it prints figures (and says whether the 200 ms p50 target is met).

    python -m benchmarks.write_latency [--seconds 30] [--readers 4] [--modes 1,2] [--validate-every N]

For each mode it starts ``clusterkg serve`` on a fresh data directory built from the project's own sources
(the real graph), with the result cache on, then for ``--seconds``: ``--readers`` threads send varied
queries to ``/sparql`` (and, with ``--validate-every N``, an entry to ``/validate`` every N queries) while one writer submits a case (the example case with
resources of its own) and deletes it again every 0.5 s. It prints p50/p90/worst of ``POST /cases`` (201)
and ``DELETE /cases/ID`` (204), and the status counts; any 5xx is a failure (exit 1). Loopback only.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from .load_writes import EXAMPLE
from .servers import BIN, Server, free_port, start

TOKEN = "write-latency-benchmark-token"  # noqa: S105 - a throwaway server on loopback
TARGET_MS = 200.0
CADENCE = 0.5
QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)",
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 100",
    "CONSTRUCT WHERE { ?s a <https://w3id.org/clusterkg/ont#Cluster> ; ?p ?o }",
]


class Figures:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.latencies: dict[str, list[float]] = {"submit": [], "delete": []}

    def status(self, kind: str, response: httpx.Response) -> int:
        with self.lock:
            self.statuses[kind, response.status_code] += 1
        return response.status_code


def read(http: httpx.Client, figures: Figures, stop: float, offset: int, validate_every: int) -> None:
    turn = offset
    while time.monotonic() < stop:
        figures.status("query", http.get("/sparql", params={"query": QUERIES[turn % len(QUERIES)]}))
        if validate_every and turn % validate_every == 0:
            entry = EXAMPLE.read_bytes()
            figures.status("validate", http.post("/validate", content=entry, headers={"Content-Type": "text/turtle"}))
        turn += 1


def write(http: httpx.Client, figures: Figures, stop: float) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    number = 0
    while time.monotonic() < stop:
        began = time.monotonic()
        body = text.replace("example-", f"latency{number}-")
        response = http.post("/cases", content=body, headers={**headers, "Content-Type": "text/turtle"})
        submitted = time.monotonic()
        number += 1
        if figures.status("submit", response) != 201:
            continue
        figures.latencies["submit"].append(submitted - began)
        deleted = http.delete(f"/cases/{response.json()['id']}", headers=headers)
        if figures.status("delete", deleted) == 204:
            figures.latencies["delete"].append(time.monotonic() - submitted)
        time.sleep(max(0.0, CADENCE - (time.monotonic() - began)))


def start_server(http_workers: int, work: Path) -> Server:
    port = free_port()
    command = [str(BIN / "clusterkg"), "serve", "--port", str(port), "--data-dir", str(work / "data")]
    command += ["--http-workers", str(http_workers)]
    log = work / f"server-{http_workers}.log"
    return start("ours", command, "/sparql", port, log=log, timeout=300.0, CLUSTERKG_WRITE_TOKEN=TOKEN)


def run_mode(http_workers: int, seconds: float, readers: int, validate_every: int) -> Figures:
    figures = Figures()
    with tempfile.TemporaryDirectory(prefix="clusterkg-writes-") as work:
        server = start_server(http_workers, Path(work))
        try:
            stop = time.monotonic() + seconds
            with httpx.Client(base_url=server.base, timeout=60) as http:
                threads = [
                    threading.Thread(target=read, args=(http, figures, stop, n, validate_every)) for n in range(readers)
                ]
                for thread in threads:
                    thread.start()
                write(http, figures, stop)
                for thread in threads:
                    thread.join()
        finally:
            server.stop()
    return figures


def summary(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:7} no successful request"
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
    return (
        f"{name:7} {len(values):4} requests  p50 {statistics.median(values) * 1000:6.1f} ms  "
        f"p90 {p90 * 1000:6.1f} ms  worst {values[-1] * 1000:6.1f} ms"
    )


def report(http_workers: int, figures: Figures) -> list[str]:
    """Print one mode's figures; the problems found."""
    print(f"--- {http_workers} HTTP process(es), readers running")
    for kind, values in figures.latencies.items():
        print(summary(kind, values))
    print("statuses: " + ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(figures.statuses.items())))
    problems = [f"{kind} answered {status}" for (kind, status), _ in figures.statuses.items() if status >= 500]
    submits = figures.latencies["submit"]
    if submits and statistics.median(submits) * 1000 > TARGET_MS:
        problems.append(f"accepted-case p50 {statistics.median(submits) * 1000:.0f} ms is over {TARGET_MS:g} ms")
    print("target (p50 <= 200 ms): " + ("met" if submits and not problems else "MISSED"))
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--modes", default="1,2", help="HTTP processes per run, comma-separated")
    parser.add_argument(
        "--validate-every", type=int, default=0, help="each reader also validates an entry every N queries (0: never)"
    )
    args = parser.parse_args()
    problems = []
    for http_workers in (int(mode) for mode in args.modes.split(",")):
        problems += report(http_workers, run_mode(http_workers, args.seconds, args.readers, args.validate_every))
    print("OK" if not problems else "PROBLEMS:\n  " + "\n  ".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
