"""What a query sent to ``/sparql`` may do, decided before it is evaluated: no update, no ``file:`` graph,
no nesting deeper than the limit, and ``SERVICE`` only to allow-listed endpoints.

The ``SERVICE`` rule does not read the query as a parser would, so it cannot disagree with one. The
engine finds a ``SERVICE`` keyword only where the seven letters s-e-r-v-i-c-e stand in the text, in any
case (a ``\\u`` escape could spell them too: a query that calls an endpoint may hold no backslash). So a
query is *federated* only when **every** place those letters stand, in a string, a comment, an IRI or a
name alike, reads ``SERVICE [SILENT] <IRI>`` with an absolute IRI on the allow-list; then every endpoint
the engine can call is one of those IRIs. Any other query is evaluated by query workers that have no
network at all (``store/sandbox.py``), so whatever SERVICE the engine finds in it cannot reach anything;
a remote store, which the service cannot isolate, also gets such a query only when a SPARQL 1.1 parser
finds no ``SERVICE`` in it (``remote_service_check``).

>>> check_service("SELECT * { ?s a <https://w3id.org/clusterkg/id/service/x> }", [])
False
>>> check_service("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }", ["https://query.wikidata.org/"])
True
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..errors import BadRequest, Forbidden, ServiceForbidden, UpdateForbidden
from .allowlist import is_allowed
from .form import Analysis, QueryForm

#: The letters of the keyword, with the characters whose upper or lower case is one of them.
SERVICE_LETTERS = re.compile("[sSſ][eE][rR][vV][iIıİ][cC][eE]")
#: What must follow the letters in a federated query: the endpoint, written as an absolute IRI.
SERVICE_CALL = re.compile(
    r"[sS][eE][rR][vV][iI][cC][eE](?:\s+[sS][iI][lL][eE][nN][tT])?\s*<([^<>\"{}|^`\\\x00-\x20]*)>"
)
BRACKETS = {"{": 1, "(": 1, "[": 1, "}": -1, ")": -1, "]": -1}


@dataclass(frozen=True)
class QueryPolicy:
    """The verdict on a query: ``federated`` when it calls allow-listed endpoints (and only those)."""

    federated: bool = False


def check_query(
    text: str,
    analysis: Analysis,
    allowlist: Sequence[str],
    *,
    protocol_graphs: Sequence[str] = (),
    max_nesting: int = 256,
    isolated: bool = True,
) -> QueryPolicy:
    """Refuse updates, ``file:`` graphs, too deep nesting and ``SERVICE`` off the allow-list; else the
    verdict. ``analysis`` is the lexer's reading of the form and the dataset (``form.py``); ``isolated``
    says whether the engine evaluates a query that is not federated without network (the embedded
    store's workers), else such a query must be shown free of SERVICE by a parser."""
    check_nesting(text, max_nesting)
    if analysis.form is QueryForm.UPDATE:
        raise UpdateForbidden("SPARQL updates are not accepted at /sparql: the endpoint is read-only.")
    check_graphs([*analysis.dataset_iris, *protocol_graphs])
    federated = check_service(text, allowlist)
    if not federated and not isolated and SERVICE_LETTERS.search(text):
        check_no_service(text)
    return QueryPolicy(federated=federated)


def check_nesting(text: str, limit: int) -> None:
    """Refuse brackets nested deeper than ``limit`` (counted over the whole text, strings included), before
    any parser sees the query: a parser's stack is not the place to learn the limit."""
    depth = deepest = 0
    for char in text:
        step = BRACKETS.get(char)
        if step is not None:
            depth = max(depth + step, 0)
            deepest = max(deepest, depth)
    if deepest > limit:
        raise NestingTooDeep(
            f"The query nests brackets {deepest} deep, more than the limit of {limit} (CLUSTERKG_MAX_QUERY_NESTING).",
            limit=limit,
            depth=deepest,
        )


class NestingTooDeep(BadRequest):
    code = "nesting_limit"


def check_graphs(graphs: Sequence[str]) -> None:
    for graph in graphs:
        if graph.lower().startswith("file:"):
            raise Forbidden(f"<{graph}>: file: IRIs are not allowed.", target=graph)


def check_service(text: str, allowlist: Sequence[str]) -> bool:
    """Whether the query calls allow-listed endpoints; ``ServiceForbidden`` when it tries to call an
    endpoint in a way the rule cannot vouch for. A query that does not name SERVICE at all is not
    federated (and runs without network)."""
    places = [match.start() for match in SERVICE_LETTERS.finditer(text)]
    if not places:
        return False
    calls = {match.start(): match.group(1) for match in SERVICE_CALL.finditer(text)}
    if not calls:
        return False  # the letters are in names, strings or comments: no network will serve them
    if "\\" in text:
        raise ServiceForbidden(
            "A query that calls SERVICE may not contain escape sequences (a backslash): write it without them.",
            target=None,
        )
    for at in places:
        target = calls.get(at)
        if target is None:
            raise ServiceForbidden(
                "In a query that calls SERVICE, 'service' may stand only as SERVICE <endpoint IRI> (with an "
                f"absolute IRI, not a variable, a prefixed name or a relative IRI); found at character {at + 1}.",
                target=None,
            )
        if not is_allowed(target, allowlist):
            raise ServiceForbidden(
                f"SERVICE <{target}> is not allowed: its target is not on the allow-list (CLUSTERKG_SERVICE_ALLOWLIST).",
                target=target,
            )
    return True


def check_no_service(text: str) -> None:
    """Refuse a query in which rdflib's SPARQL 1.1 parser finds a ``SERVICE``, or that it cannot read: for
    an engine that has network, a query the rule above could not call federated must be shown to call
    nothing."""
    from rdflib.plugins.sparql.parser import parseQuery  # noqa: PLC0415 - only for these few queries

    try:
        tree = parseQuery(text)
    except Exception:  # noqa: BLE001 - any failure of the parser means the query cannot be vouched for
        raise ServiceForbidden(
            "The query mentions 'service' and could not be read to show that it calls no SERVICE endpoint; "
            "write SERVICE <endpoint IRI> with an allow-listed IRI, or leave the word out.",
            target=None,
        ) from None
    if list(services_in(tree)):
        raise ServiceForbidden(
            "SERVICE may only name an allow-listed endpoint by its absolute IRI (CLUSTERKG_SERVICE_ALLOWLIST).",
            target=None,
        )


def services_in(node: object) -> Iterator[object]:
    """The targets of the ``SERVICE`` patterns of an rdflib parse tree, however deep."""
    from rdflib.plugins.sparql.parserutils import CompValue  # noqa: PLC0415

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                yield item.get("term")
            stack.extend(item.values())
        elif isinstance(item, list | tuple) or hasattr(item, "as_list"):
            stack.extend(item)  # type: ignore[arg-type]
