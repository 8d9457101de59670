"""What a benchmark run measures: the queries of the table (``Cell``) and the figures of one size (``SizeResult``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .load_test import Measure


@dataclass
class Cell:
    """One query of the table: its name, kind, the SPARQL every anchor gets, and our URL for it."""

    name: str
    kind: str
    sparql: str
    ours_path: str
    #: A stream of different queries (``sparql`` is the first): wrk sends them in turn, so no answer is
    #: asked for twice in a row and, with 500 of them, a cache of recent answers does not hold them all.
    variants: list[str] = field(default_factory=list)


@dataclass
class SizeResult:
    size: str
    quads: int
    load: dict[str, float]
    startup_s: list[float]
    cells: list[Cell]
    runs: dict[tuple[str, str], list[Measure]] = field(default_factory=dict)
    floor: dict[str, Measure] = field(default_factory=dict)
    rows: dict[tuple[str, str], int | None] = field(default_factory=dict)
    validation: dict[str, object] | None = None
    notes: list[str] = field(default_factory=list)
    load_average: list[float] = field(default_factory=list)
    startup_single_s: list[float] = field(default_factory=list)
