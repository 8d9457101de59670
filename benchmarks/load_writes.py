"""Load with writes: readers and validators hammer a running service while writers submit (and delete)
cases; afterwards every answer is checked against what was stored. Not a timed test: it prints figures.

    python -m benchmarks.load_writes --url http://127.0.0.1:8000 --token TOKEN [--seconds 30]

Start the server first (``clusterkg serve --http-workers 2`` to race two processes). What it checks:
no 5xx; every 201 names a case that is there, whole, afterwards; every 422 "nothing was stored" left no
case behind; submissions racing on the same resources store exactly one case. What it prints: requests
per kind, status counts, p50/p99 latency, and /health's worst latency. Loopback only.

Each writer submits every entry twice in a row: the first must be 201, the second 422.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "examples" / "cases" / "valid" / "example-valley.ttl"
CASES = "https://w3id.org/clusterkg/graph/cases/"
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SIZES_QUERY = (
    f'SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{CASES}")) }} GROUP BY ?g'
)


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.statuses: Counter[tuple[str, int]] = Counter()
        self.latencies: dict[str, list[float]] = {}
        self.stored: dict[str, str] = {}  # case id -> the entry's name
        self.refused: list[str] = []

    def record(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[kind, status] += 1
            self.latencies.setdefault(kind, []).append(seconds)


def timed(tally: Tally, kind: str, call: object) -> httpx.Response | None:
    started = time.monotonic()
    try:
        response: httpx.Response = call()  # type: ignore[operator]
    except httpx.HTTPError:
        tally.record(kind, 0, time.monotonic() - started)
        return None
    tally.record(kind, response.status_code, time.monotonic() - started)
    return response


def writer(http: httpx.Client, token: str, tally: Tally, stop: float, index: int) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    headers = {"Content-Type": "text/turtle", "Authorization": f"Bearer {token}"}
    round_ = 0
    while time.monotonic() < stop:
        name = f"load{index}-{round_ // 2}"  # each entry is sent twice: the second must be refused
        body = text.replace("example-", f"{name}-")
        response = timed(tally, "submit", lambda body=body: http.post("/cases", content=body, headers=headers))
        if response is not None and response.status_code == 201:
            with tally.lock:
                tally.stored[response.json()["id"]] = name
        elif response is not None and response.status_code == 422:
            with tally.lock:
                tally.refused.append(name)
        round_ += 1
        time.sleep(1.0)


def reader(http: httpx.Client, tally: Tally, stop: float) -> None:
    while time.monotonic() < stop:
        timed(tally, "query", lambda: http.get("/sparql", params={"query": COUNT_QUERY}))
        timed(
            tally,
            "validate",
            lambda: http.post("/validate", content=EXAMPLE.read_bytes(), headers={"Content-Type": "text/turtle"}),
        )
        timed(tally, "health", lambda: http.get("/health"))


def check(http: httpx.Client, tally: Tally) -> list[str]:
    rows = http.get("/sparql", params={"query": SIZES_QUERY}, headers={"Accept": "application/json"}).json()
    sizes = {row["g"]["value"][len(CASES) :]: int(row["n"]["value"]) for row in rows["results"]["bindings"]}
    problems = [f"acknowledged but missing: {case}" for case in tally.stored if case not in sizes]
    if len(set(sizes[case] for case in tally.stored if case in sizes)) > 1:
        problems.append(f"cases of different sizes (one partial?): {sorted(set(sizes.values()))}")
    names = Counter(tally.stored.values())
    problems += [f"{name} stored {n} times (its resources twice)" for name, n in names.items() if n > 1]
    problems += [
        f"{kind} answered {status}" for (kind, status), n in tally.statuses.items() if status >= 500 or status == 0
    ]
    return problems


def report(tally: Tally, problems: list[str]) -> None:
    for kind, values in sorted(tally.latencies.items()):
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(
            f"{kind:9} {len(values):6} requests  p50 {statistics.median(values) * 1000:7.1f} ms  p99 {p99 * 1000:7.1f} ms  worst {values[-1] * 1000:7.1f} ms"
        )
    for (kind, status), count in sorted(tally.statuses.items()):
        print(f"{kind:9} {status}: {count}")
    print(f"stored {len(tally.stored)} cases, refused {len(tally.refused)} as already stored")
    print("OK: every answer agrees with what was stored" if not problems else "PROBLEMS:\n  " + "\n  ".join(problems))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--token", required=True, help="a writer's bearer token")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--readers", type=int, default=8)
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the load goes to a server on this machine only (127.0.0.1, localhost, ::1)")
    tally = Tally()
    stop = time.monotonic() + args.seconds
    with httpx.Client(base_url=args.url, timeout=60) as http, ThreadPoolExecutor(args.readers + 2) as pool:
        jobs = [pool.submit(writer, http, args.token, tally, stop, i) for i in range(2)]
        jobs += [pool.submit(reader, http, tally, stop) for _ in range(args.readers)]
        for job in jobs:
            job.result()
        problems = check(http, tally)
    report(tally, problems)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
