"""Evaluate a query on a pyoxigraph store and serialise the answer (in a worker process, or in the CLI).

SELECT solutions are written by the engine's own serialisers when the whole answer is within the row
limit (``sparql/engine_results.py``); an answer that is not is evaluated again and written by the Python
writers, which stop at the limit and mark the cut.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, Triple
from pyoxigraph import Store as OxStore

from ..formats import BY_NAME, Format, Kind, of_kind
from ..sparql.engine_results import write_whole
from ..sparql.serialise import Serialised, serialise_boolean, serialise_solutions, serialise_triples
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


def serialise_answer(answer: Answer, fmt_name: str, max_rows: int) -> QueryResult:
    """Write an answer in the format named ``fmt_name``, or in its kind's default if the format is of the
    other kind (a graph asked for as CSV, say).

    ``answer`` is what pyoxigraph returns (``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``) or parsed
    triples from a remote server.
    """
    result: Serialised
    if isinstance(answer, QuerySolutions):
        fmt = in_kind(fmt_name, Kind.RESULTS)
        variables = [variable.value for variable in answer.variables]
        result = serialise_solutions(variables, (tuple(solution) for solution in answer), fmt, max_rows)
    elif isinstance(answer, QueryBoolean):
        fmt = in_kind(fmt_name, Kind.RESULTS)
        result = serialise_boolean(answer, fmt)
    else:
        fmt = in_kind(fmt_name, Kind.GRAPH)
        result = serialise_triples(answer, fmt, max_rows)
    return QueryResult(result.body, fmt.name, result.count, result.truncated)


def in_kind(name: str, kind: Kind) -> Format:
    """The format called ``name`` if it is of ``kind``, else the kind's default."""
    fmt = BY_NAME.get(name)
    return fmt if fmt is not None and fmt.kind is kind else of_kind(kind)[0]


def evaluate(store: OxStore, job: QueryJob) -> QueryResult:
    """Raises ``SyntaxError`` for a malformed query and ``OSError``/``ValueError`` when evaluation fails."""
    answer = store.query(job.query, **dataset_options(job))
    if isinstance(answer, QuerySolutions):
        fmt = in_kind(job.result_format, Kind.RESULTS)
        whole = write_whole(answer, fmt, job.max_rows)
        if whole is not None:
            return QueryResult(whole.body, fmt.name, whole.count)
        answer = store.query(job.query, **dataset_options(job))  # the first answer is spent
    return serialise_answer(answer, job.result_format, job.max_rows)
