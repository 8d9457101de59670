"""The benchmark dataset: the project's own sources plus a synthetic graph, as one N-Quads file.

Every server under test loads this same file. The ontology and the data files go into the named graphs
``clusterkg build`` would give them, with their build-manifest records, so the service starting over the
store finds every source unchanged and does not rebuild; the synthetic graph (``generate.py``) adds the
volume.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse, serialize

from clusterkg.namespaces import META_GRAPH, META_SHA256, META_SOURCE_PATH, graph_for_source
from clusterkg.sources import locate

from .generate import parse_size

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def source_quads() -> list[Quad]:
    """The ontology and data files, each in its graph, with the manifest records of the build."""
    resources = locate(REPO)
    meta = NamedNode(META_GRAPH)
    quads: list[Quad] = []
    for path in resources.source_files():
        relative = resources.relative(path)
        graph = NamedNode(graph_for_source(relative))
        for quad in parse(path=str(path), format=RdfFormat.TURTLE, base_iri=graph.value):
            quads.append(Quad(quad.subject, quad.predicate, quad.object, graph))
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        quads.append(Quad(graph, NamedNode(META_SOURCE_PATH), Literal(relative), meta))
        quads.append(Quad(graph, NamedNode(META_SHA256), Literal(sha256), meta))
    return quads


def build_dataset(size: str, work: Path, seed: int = 42) -> tuple[Path, int]:
    """``work/dataset-SIZE.nq`` (made once per size and seed), and its number of quads."""
    work.mkdir(parents=True, exist_ok=True)
    target = work / f"dataset-{size}.nq"
    stamp = work / f"dataset-{size}.json"
    key = {"size": parse_size(size), "seed": seed, "generator": _digest(BENCH / "generate.py"), "sources": _sources()}
    if target.is_file() and stamp.is_file() and json.loads(stamp.read_text())["key"] == key:
        return target, int(json.loads(stamp.read_text())["quads"])
    synthetic = work / f"synthetic-{size}.nq"
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "--triples", size, "--seed", str(seed), "--out", str(synthetic)],
        check=True,
    )
    own = source_quads()
    with target.open("wb") as out:
        out.write(serialize(own, format=RdfFormat.N_QUADS) or b"")
        with synthetic.open("rb") as data:
            while block := data.read(1 << 22):
                out.write(block)
    synthetic.unlink()
    quads = _count_lines(target)
    stamp.write_text(json.dumps({"key": key, "quads": quads}))
    return target, quads


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as data:
        while block := data.read(1 << 22):
            count += block.count(b"\n")
    return count


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sources() -> str:
    resources = locate(REPO)
    digest = hashlib.sha256()
    for path in resources.source_files():
        digest.update(path.read_bytes())
    return digest.hexdigest()
