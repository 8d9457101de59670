"""The built wheel carries the ontology and data: installed elsewhere, it builds a store from any directory."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.integration


def run(*args: str | Path, cwd: Path | str | None = None) -> str:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, timeout=180, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_installed_wheel_builds_the_store_from_anywhere(tmp_path: Path) -> None:
    run(sys.executable, "-m", "pip", "wheel", REPO, "--no-deps", "--quiet", "-w", tmp_path / "dist")
    (wheel,) = (tmp_path / "dist").glob("clusterkg-*.whl")
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--quiet", "--no-deps", wheel)
    # The dependencies come from this environment; clusterkg itself only from the wheel.
    site = Path(sysconfig.get_paths()["purelib"])
    (next((venv / "lib").glob("python3*/site-packages")) / "deps.pth").write_text(f"{site}\n", encoding="utf-8")

    where = run(venv / "bin" / "python", "-c", "import clusterkg.sources as r; print(r.locate().root)", cwd="/")
    assert where.strip().startswith(str(venv)), where
    data_dir = tmp_path / "store"
    built = run(venv / "bin" / "clusterkg", "build", "--data-dir", data_dir, cwd="/")
    assert "0 unchanged" in built
    graphs = run(
        venv / "bin" / "clusterkg", "sparql", "--data-dir", data_dir, "--format", "csv",
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", cwd="/",
    )  # fmt: skip
    assert "https://w3id.org/clusterkg/graph/ontology/clusterkg" in graphs.splitlines()
    expected = len(list((REPO / "ontology").glob("*.ttl"))) + len(list((REPO / "data/ttl").glob("**/*.ttl")))
    assert len(graphs.strip().splitlines()) - 1 == expected + 1  # each file its own graph, plus the manifest
