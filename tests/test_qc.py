"""Quality-control queries (queries/qc/*-violation.rq) return no row over ontology + shapes + data.

Each query states one rule of term hygiene or data hygiene in its header comment; a row is an offence.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from graphfiles import ONTOLOGY_FILES, QC_DIR, ROOT, data_files, shape_files

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


# --- the statistics checks find what they are written to find ------------------------------------------

OFFENCES = ROOT / "tests" / "fixtures" / "qc" / "statistics-offences.ttl"
TEST_OBS = "https://w3id.org/clusterkg/id/obs/test-"


@cache
def store_with_offences() -> Store:
    """Ontology and concept schemes with the offending observations of the fixture (no data)."""
    store = Store()
    for path in [*ONTOLOGY_FILES, OFFENCES]:
        store.load(path=str(path), format=RdfFormat.TURTLE)
    store.load(
        input="<https://w3id.org/clusterkg/concept/unit/million-yen-test> "
        "<http://www.w3.org/2004/02/skos/core#inScheme> <https://w3id.org/clusterkg/concept/unit> .\n"
        "<https://w3id.org/clusterkg/concept/unit/yen-test> "
        "<http://www.w3.org/2004/02/skos/core#inScheme> <https://w3id.org/clusterkg/concept/unit> .\n",
        format=RdfFormat.N_TRIPLES,
    )
    return store


def offenders(check: str, variable: str) -> set[str]:
    solutions = store_with_offences().query((QC_DIR / f"{check}-violation.rq").read_text(encoding="utf-8"))
    return {str(row[variable].value).removeprefix(TEST_OBS) for row in solutions if row[variable] is not None}


@pytest.mark.parametrize(
    ("check", "variable", "expected"),
    [
        ("observation-without-declared-dimension", "observation", {"missing-dimension", "no-structure"}),
        ("undeclared-dimension", "observation", {"undeclared", "wrong-code", "deprecated"}),
        ("breakdown-without-dimension", "observation", {"breakdown-only"}),
        ("dimension-value-outside-code-list", "observation", {"wrong-code"}),
        ("range-bounds", "observation", {"open-range", "inverted-range", "upper-value", "bounded-exact"}),
        ("deprecated-concept-in-use", "subject", {"deprecated"}),
        ("component-property-kind", "property", {"https://w3id.org/clusterkg/ont#unit"}),
        ("structure-measure", "structure", {"https://w3id.org/clusterkg/id/structure/test-cases"}),
    ],
)
def test_a_statistics_check_reports_its_offences(check: str, variable: str, expected: set[str]) -> None:
    assert offenders(check, variable) == expected


def test_the_unit_check_reports_a_unit_without_its_base_or_multiplier() -> None:
    units = {u.rpartition("/")[2] for u in offenders("unit-multiplier", "unit")}
    assert units == {"million-yen-test", "yen-test"}
