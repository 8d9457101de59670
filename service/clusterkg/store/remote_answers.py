"""What engines differ in when they answer, handled once: a remote answer read as the embedded store's.

- **Result formats:** SPARQL JSON is read with pyoxigraph's parser, which takes the ``typed-literal``
  binding type of the 2005 draft (Virtuoso still writes it) as a literal with its datatype.
- **Booleans:** Virtuoso stores ``xsd:boolean`` as a number and answers ``"1"``/``"0"``; they are given
  back in canonical form, ``"true"``/``"false"``.
- **Blank nodes:** the Skolem IRIs of streamed imports (``skolem.py``) become blank nodes again; Virtuoso's
  ``nodeID://b10000`` blank nodes get a label a blank node can have.
- **Silent row caps:** Virtuoso cuts an answer at ``ResultSetMaxRows`` (10 000 by default) without an
  error, saying so only in its ``X-SPARQL-MaxRows`` header, and returns what it has when
  ``MaxQueryExecutionTime`` runs out (``X-SQL-State: S1TAT``); such an answer is written as truncated, as an
  answer cut by the service's own row limit is.

>>> from pyoxigraph import Literal, NamedNode
>>> normalise(Literal("1", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean")))
<Literal value=true datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#boolean>>
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pyoxigraph import Literal, NamedNode, QueryBoolean, QueryResultsFormat, Triple, parse_query_results

from ..formats import Kind
from .base import QueryResult
from .evaluate import in_kind, serialise_answer
from .skolem import is_skolem, unskolemise, unskolemise_triple

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
ROW_CAP_HEADERS = ("x-sparql-maxrows",)
_BOOLEANS = {"1": "true", "0": "false"}
# Virtuoso names blank nodes ``nodeID://b10000``, which is no blank node label: ``virtuoso-b10000`` instead.
_VIRTUOSO_BNODE = re.compile(rb'("type"\s*:\s*"bnode"\s*,\s*"value"\s*:\s*")nodeID://')


def normalise(term: Any) -> Any:
    """One term of a remote answer as the embedded store would give it."""
    if isinstance(term, Literal) and term.datatype.value == XSD_BOOLEAN and term.value in _BOOLEANS:
        return Literal(_BOOLEANS[term.value], datatype=NamedNode(XSD_BOOLEAN))
    if is_skolem(term) or isinstance(term, Triple):
        return unskolemise(term)
    return term


def normalise_triple(triple: Triple) -> Triple:
    triple = unskolemise_triple(triple)
    if isinstance(triple.object, Literal) and triple.object.datatype.value == XSD_BOOLEAN:
        return Triple(triple.subject, triple.predicate, normalise(triple.object))
    return triple


def capped_by_server(headers: Mapping[str, str]) -> bool:
    """Whether the server says it cut the answer: at its row cap, or at its time limit (Virtuoso's
    "anytime" answers, ``X-SQL-State: S1TAT``).

    >>> capped_by_server({"X-SQL-State": "S1TAT"}), capped_by_server({"Content-Type": "text/csv"})
    (True, False)
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    return any(name in lowered for name in ROW_CAP_HEADERS) or lowered.get("x-sql-state") == "S1TAT"


@dataclass(frozen=True)
class Solutions:
    """A SELECT answer read whole (pyoxigraph's parser is lazy: a bad binding surfaces while reading)."""

    variables: list[str]
    rows: list[Any]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


def read_results(body: bytes) -> Solutions | QueryBoolean | None:
    """SPARQL JSON results, normalised, or ``None`` if the body is something else (a graph)."""
    body = _VIRTUOSO_BNODE.sub(rb"\1virtuoso-", body)
    try:
        parsed = parse_query_results(body, format=QueryResultsFormat.JSON)
        if isinstance(parsed, QueryBoolean):
            return parsed
        variables = [variable.value for variable in parsed.variables]
        return Solutions(variables, [tuple(normalise(term) for term in solution) for solution in parsed])
    except (SyntaxError, ValueError):
        return None


def serialise_remote(answer: Any, fmt_name: str, max_rows: int, capped: bool) -> QueryResult:
    """Write a normalised remote answer in the wanted format; ``capped`` marks it truncated."""
    if isinstance(answer, Solutions):
        variables, table = answer.variables, answer.rows
        fmt = in_kind(fmt_name, Kind.RESULTS)
        head = table[:max_rows]
        truncated = capped or len(table) > max_rows
        assert fmt.solutions_writer is not None
        return QueryResult(fmt.solutions_writer(variables, head, truncated), fmt.name, len(head), truncated)
    if isinstance(answer, QueryBoolean):
        return serialise_answer(answer, fmt_name, max_rows)
    triples: Iterable[Triple] = [normalise_triple(triple) for triple in answer]
    result = serialise_answer(triples, fmt_name, max_rows)
    if capped and not result.truncated:
        return QueryResult(result.body, result.result_format, result.count, True)
    return result
