"""Where the ontology, shapes and data live, and how to load them (shared by the ontology tests)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY_DIR = ROOT / "ontology"
ONTOLOGY_FILES = (
    ONTOLOGY_DIR / "clusterkg.ttl",
    ONTOLOGY_DIR / "concepts.ttl",
    ONTOLOGY_DIR / "indicators.ttl",
    ONTOLOGY_DIR / "explanations.ttl",
)
SHAPES_DIR = ONTOLOGY_DIR / "shapes"
DATA_DIR = ROOT / "data" / "ttl"
EXAMPLES_DIR = ROOT / "data" / "examples"
QC_DIR = ROOT / "queries" / "qc"


def shape_files() -> list[Path]:
    return sorted(SHAPES_DIR.glob("*.ttl"))


def data_files() -> list[Path]:
    return sorted(DATA_DIR.glob("**/*.ttl"))


def load(paths: list[Path] | tuple[Path, ...]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


@cache
def ontology_graph() -> Graph:
    return load(ONTOLOGY_FILES)


@cache
def shapes_graph() -> Graph:
    return load(shape_files())


@cache
def data_graph() -> Graph:
    return load(data_files())
