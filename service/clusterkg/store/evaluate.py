"""Evaluate a query on a pyoxigraph store and serialise the answer (in a worker process, or in the CLI)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, Triple
from pyoxigraph import Store as OxStore

from ..sparql.writers import (
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    Serialised,
    serialise_boolean,
    serialise_solutions,
    serialise_triples,
)
from .base import QueryJob, QueryResult


def dataset_options(job: QueryJob) -> dict[str, Any]:
    """Protocol ``default-graph-uri``/``named-graph-uri`` if given, else the union of all graphs as default graph."""
    if not job.has_dataset:
        return {"use_default_graph_as_union": True}
    options: dict[str, Any] = {"default_graph": [NamedNode(g) for g in job.default_graphs]}
    if job.named_graphs:
        options["named_graphs"] = [NamedNode(g) for g in job.named_graphs]
    return options


Answer = QuerySolutions | QueryBoolean | Iterable[Triple]


def serialise_answer(answer: Answer, fmt: str, max_rows: int) -> QueryResult:
    """Write an answer in ``fmt``, or in its family's default if ``fmt`` belongs to the other family.

    ``answer`` is what pyoxigraph returns (``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``) or parsed
    triples from a remote server.
    """
    result: Serialised
    if isinstance(answer, QuerySolutions):
        fmt = fmt if fmt in RESULTS_FORMATS else "json"
        variables = [variable.value for variable in answer.variables]
        result = serialise_solutions(variables, (tuple(solution) for solution in answer), fmt, max_rows)
    elif isinstance(answer, QueryBoolean):
        fmt = fmt if fmt in RESULTS_FORMATS else "json"
        result = serialise_boolean(answer, fmt)
    else:
        fmt = fmt if fmt in GRAPH_FORMATS else "turtle"
        result = serialise_triples(answer, fmt, max_rows)
    return QueryResult(result.body, fmt, result.count, result.truncated)


def evaluate(store: OxStore, job: QueryJob) -> QueryResult:
    """Raises ``SyntaxError`` for a malformed query and ``OSError``/``ValueError`` when evaluation fails."""
    answer = store.query(job.query, **dataset_options(job))
    return serialise_answer(answer, job.result_format, job.max_rows)
