"""Quality-control queries (queries/qc/*-violation.rq) return no row over ontology + shapes + data.

Each query states one rule of term hygiene or data hygiene in its header comment; a row is an offence.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from graphfiles import ONTOLOGY_FILES, QC_DIR, data_files, shape_files

QC_QUERIES = sorted(QC_DIR.glob("*-violation.rq"))


@cache
def store() -> Store:
    """Ontology, concept schemes, shapes and data in one default graph."""
    store = Store()
    for path in [*ONTOLOGY_FILES, *shape_files(), *data_files()]:
        store.load(path=str(path), format=RdfFormat.TURTLE)
    return store


def run(query: Path) -> list[dict[str, str]]:
    solutions = store().query(query.read_text(encoding="utf-8"))
    names = [v.value for v in solutions.variables]
    return [{name: row[name].value if row[name] is not None else "" for name in names} for row in solutions]


def test_there_are_quality_checks() -> None:
    assert len(QC_QUERIES) >= 8


@pytest.mark.parametrize("query", QC_QUERIES, ids=lambda p: p.stem)
def test_quality_check_finds_nothing(query: Path) -> None:
    rows = run(query)
    listing = "\n".join("  " + "  ".join(f"{k}={v}" for k, v in row.items()) for row in rows[:50])
    assert not rows, f"{query.name}: {len(rows)} offending rows\n{listing}"
