"""Validation latency in the table: ``POST /validate`` with one new case of 30-100 triples, one request at a time.

``validation_latency.py`` measures the same in more detail (the neighbourhood query, in-process, CPU time).
"""

from __future__ import annotations

import statistics
import time
import urllib.error
import urllib.request
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize

from .servers import Server
from .validation_latency import entries

MIN_TRIPLES, MAX_TRIPLES = 30, 100


def pick_entry(repo: Path) -> tuple[str, bytes, int]:
    """One new case of 30-100 triples: the part of the example case ``validation_latency.py`` times (its
    association with the membership figure and the source passages), else example entries until 30."""
    for name, body in entries().items():
        count = len(list(parse(body, format=RdfFormat.N_TRIPLES)))
        if MIN_TRIPLES <= count <= MAX_TRIPLES:
            return f"example case, {name}", body, count
    names, triples = [], []
    for path in sorted((repo / "data" / "examples" / "valid").glob("*.ttl")):
        more = [quad.triple for quad in parse(path=str(path), format=RdfFormat.TURTLE)]
        if len(triples) + len(more) > MAX_TRIPLES:
            continue
        names.append(path.stem)
        triples.extend(more)
        if len(triples) >= MIN_TRIPLES:
            break
    body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
    return " + ".join(names), body, len(triples)


def post(url: str, body: bytes) -> tuple[int, float]:
    request = urllib.request.Request(  # noqa: S310 - a local server
        url, data=body, method="POST", headers={"Content-Type": "application/n-triples", "Accept": "application/json"}
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            response.read()
            status = int(response.status)
    except urllib.error.HTTPError as error:
        error.read()
        status = int(error.code)
    return status, (time.perf_counter() - start) * 1000


def measure(server: Server, repo: Path, runs: int) -> dict[str, object]:
    """p50/p99 of ``runs`` sequential validations (after 3 warm-up requests), or why it could not run."""
    if not (repo / "data" / "examples" / "valid").is_dir():
        return {"error": "no example entries"}
    entry, body, triples = pick_entry(repo)
    url = server.base + "/validate"
    status = 0
    for _ in range(3):
        status, _ = post(url, body)
    if status >= 500 or status in (404, 405):
        return {"error": f"POST /validate answered {status}", "entry": entry, "triples": triples}
    samples = sorted(post(url, body)[1] for _ in range(runs))
    return {
        "entry": entry,
        "triples": triples,
        "status": status,
        "runs": runs,
        "p50_ms": round(statistics.median(samples), 1),
        "p99_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.99))], 1),
    }
