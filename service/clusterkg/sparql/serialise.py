"""Serialise an answer in a format of the registry, stopping at the result-row limit.

SELECT solutions go through the registry's Python writer of their format (``sparql/writers.py``), which
can stop after N rows; booleans and graphs (CONSTRUCT/DESCRIBE) use pyoxigraph's serialisers. Used by the
embedded store for an answer the engine could not write whole (``engine_results.py``), and by the
remote store after parsing the server's answer.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import QueryBoolean, Triple, serialize

from ..formats import Format
from ..namespaces import TURTLE_PREFIXES
from .writers import SPARQL_NS, Row


@dataclass(frozen=True)
class Serialised:
    """A serialised answer; ``count`` rows or triples were written, more were dropped if ``truncated``."""

    body: bytes
    count: int
    truncated: bool = False


def take(items: Iterable[object], limit: int) -> tuple[list[object], bool]:
    """The first ``limit`` items and whether there were more."""
    head = list(itertools.islice(items, limit + 1))
    return head[:limit], len(head) > limit


def serialise_boolean(value: QueryBoolean | bool, fmt: Format) -> Serialised:
    if isinstance(value, QueryBoolean):
        return Serialised(value.serialize(format=fmt.results_format) or b"", 1)
    text = "true" if value else "false"
    if fmt.name == "json":
        return Serialised(json.dumps({"head": {}, "boolean": value}).encode(), 1)
    if fmt.name == "xml":
        body = f'<?xml version="1.0"?><sparql xmlns="{SPARQL_NS}"><head></head><boolean>{text}</boolean></sparql>'
        return Serialised(body.encode(), 1)
    return Serialised(text.encode(), 1)


def serialise_triples(triples: Iterable[Triple], fmt: Format, max_rows: int) -> Serialised:
    head, truncated = take(triples, max_rows)
    prefixes = TURTLE_PREFIXES if fmt.name == "turtle" else None
    body = serialize(head, format=fmt.rdf_format, prefixes=prefixes)  # type: ignore[arg-type]
    return Serialised(body or b"", len(head), truncated)


def serialise_solutions(variables: Sequence[str], rows: Iterable[Row], fmt: Format, max_rows: int) -> Serialised:
    head, truncated = take(rows, max_rows)
    assert fmt.solutions_writer is not None, f"{fmt.name} is not a results format"
    body = fmt.solutions_writer(variables, head, truncated)  # type: ignore[arg-type]
    return Serialised(body, len(head), truncated)
