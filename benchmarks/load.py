"""Bulk-load an N-Quads file into a new embedded store (the service's layout: ``DATA_DIR/oxigraph``).

Run by ``run.py`` under ``/usr/bin/time -v`` so that wall time and peak memory of the whole process are
measured; prints one JSON line with the load time and the number of quads.

    python -m benchmarks.load --data-dir var/bench/100k/ours --file var/bench/dataset-100k.nq
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import time
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from clusterkg.store.embedded import store_path


def load(data_dir: Path, nquads: Path) -> dict[str, float]:
    path = store_path(data_dir)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    start = time.perf_counter()
    store = Store(str(path))
    store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
    store.flush()
    loaded = time.perf_counter() - start
    quads = len(store)
    del store
    return {
        "load_s": round(loaded, 3),
        "quads": quads,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Bulk-load N-Quads into a new embedded store.")
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--file", type=Path, required=True)
    args = parser.parse_args()
    print(json.dumps(load(args.data_dir, args.file)))


if __name__ == "__main__":
    main()
