"""Shared by the canned-query tests: the real graph in an embedded store, rows of an answer, goldens."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clusterkg.canned.catalogue import Catalogue
from clusterkg.canned.runner import CannedAnswer, CannedQueries, Page, choose_format, rows
from clusterkg.sources import locate
from clusterkg.store.build import build
from clusterkg.store.embedded import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]
QUERIES_DIR = REPO / "queries"
GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def built_store(data_dir: Path) -> EmbeddedStore:
    """The repository's ontology and data in an embedded store (in-process, no workers), started."""
    store = EmbeddedStore(data_dir, workers=0)
    store.start()
    build(store, locate(REPO))
    return store


def catalogue() -> Catalogue:
    return Catalogue.load(QUERIES_DIR)


def run(canned: CannedQueries, name: str, params: dict[str, str] | None = None, **page: Any) -> CannedAnswer:
    query = canned.catalogue.get(name)
    prepared = canned.prepare(name, params or {}, choose_format(query, "json"), Page(**page))
    return canned.run_sync(prepared)


def table(answer: CannedAnswer) -> list[dict[str, str]]:
    return rows(answer)


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.json"


def read_golden(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(golden_path(name).read_text(encoding="utf-8"))
    return data


def golden_of(canned: CannedQueries, name: str) -> dict[str, Any]:
    """What a golden file holds: the variables, whether order matters, and the rows as strings."""
    answer = run(canned, name)
    document = json.loads(answer.body)
    variables = document["head"]["vars"]
    ordered = "ORDER BY" in canned.catalogue.get(name).text.upper()
    return {"query": name, "vars": variables, "ordered": ordered, "rows": [list(row.values()) for row in rows(answer)]}


LIST_SEPARATORS = ("; ", "；", ", ", "、")


def canonical(cell: str) -> str:
    """A cell with its list parts sorted: GROUP_CONCAT joins values in no defined order."""
    for separator in LIST_SEPARATORS:
        if separator in cell:
            cell = separator.join(sorted(canonical(part) for part in cell.split(separator)))
    return cell


def canonical_rows(rows: list[list[str]]) -> list[list[str]]:
    return [[canonical(cell) for cell in row] for row in rows]
