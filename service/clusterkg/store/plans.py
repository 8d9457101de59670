"""Which queries the server may evaluate itself, without the hop to a query worker: one triple pattern.

A query worker exists to stop what could run away (killed at the timeout, capped in memory, without
network). A query over **one triple pattern** cannot: the engine reads one range of one index and
nothing in it calls an endpoint, joins or repeats. Two shapes of it are evaluated by the server:

- a *lookup*: a constant subject and no solution modifier but ``LIMIT``/``OFFSET``: the engine reads the
  triples of one subject and stops writing at the row limit; its cost is that of its answer, on any store;
- a *scan*: a constant predicate, with ``DISTINCT``, aggregates (``COUNT``, ``SUM``, ``MIN``, ``MAX``,
  ``AVG``, ``SAMPLE``), ``GROUP BY``, ``HAVING``, ``ORDER BY``: its cost is at most linear in the triples
  of that predicate (a sort, N log N), so it is evaluated by the server only over an in-memory copy
  (``replica.py``; ``embedded.py`` decides) and only when that predicate has at most
  ``MAX_SCAN_TRIPLES`` triples there (tens of milliseconds at most). One more condition
  comes from the engine: pyoxigraph's sort aborts the whole process (a Rust panic, "comparison function
  does not correctly implement a total order") on some mixes of literals (booleans, numbers and
  language-tagged strings together), so a scan is sorted in the server only on terms the engine orders
  totally: a ``COUNT`` (an integer), or the pattern's subject or object variable where the store holds
  nothing but IRIs and blank nodes in that place for that predicate (``ScanCheck``). Any other sort is
  evaluated by a worker, whose loss costs one query.

The decision reads the whole text with a small grammar, not a scan for bad words: a query is one of these
only when all of it, from the first character to the last, is made of the tokens below and reads as
``PREFIX`` declarations, ``SELECT`` of variables, ``*`` or ``(AGGREGATE(...) AS ?v)``, an optional
``WHERE``, a group of exactly one triple pattern of IRIs (``<...>`` or prefixed names) and variables, and
the modifiers above with variables and integers only. Nothing else can stand anywhere: no comment, no
string, no backslash (the ``\\u`` escapes SPARQL reads before parsing), no ``,`` or ``;``, no second
pattern, no path, no ``FILTER``, ``SERVICE``, ``FROM`` or expression. The tokens are never coarser than the
engine's, so a text read here as one pattern is read so by the engine, or refused by it as malformed.

>>> read_plan("SELECT ?p ?o WHERE { <https://w3id.org/clusterkg/id/org/ivam> ?p ?o }").lookup
True
>>> read_plan("SELECT ?p ?o WHERE { ?s ?p ?o }").lookup
False
>>> read_plan("SELECT * WHERE { ?s ?p ?o . ?o ?q ?r }") is None
True
>>> plan = read_plan("SELECT ?f (COUNT(?s) AS ?n) { ?s <urn:p> ?f } GROUP BY ?f ORDER BY DESC(?n) ?f")
>>> plan.predicate, sorted(plan.sorted_positions())
('urn:p', ['object'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
AGGREGATES = frozenset({"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE"})
MAX_LENGTH = 4096

_TOKEN = re.compile(
    r"""
    [ \t\r\n]*(?:
    (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    |(?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)
    |(?P<pname>(?:[A-Za-z][A-Za-z0-9_-]*)?:(?:[A-Za-z0-9_][A-Za-z0-9_:-]*)?)
    |(?P<int>[0-9]{1,9})
    |(?P<word>[A-Za-z]+)
    |(?P<op>>=|<=|!=|[{}().*=<>])
    |(?P<end>[ \t\r\n]*\Z)
    )""",
    re.VERBOSE | re.ASCII,
)
_COMPARISONS = frozenset({"=", "!=", "<", ">", "<=", ">="})
_DIRECTIONS = frozenset({"ASC", "DESC"})


@dataclass(frozen=True)
class Term:
    """A place of the pattern: a variable (``variable``, without its sigil) or a constant (``iri``, resolved
    against the declared prefixes; ``None`` for a prefix the query does not declare)."""

    variable: str | None = None
    iri: str | None = None


@dataclass(frozen=True)
class Plan:
    subject: Term
    predicate_term: Term
    object: Term
    #: ``DISTINCT``/``REDUCED``, an aggregate, ``GROUP BY``, ``HAVING`` or ``ORDER BY``.
    modified: bool
    #: The variables ``ORDER BY`` sorts on, in order.
    order: tuple[str, ...] = ()
    #: The variables the projection binds to a ``COUNT``.
    counts: frozenset[str] = frozenset()

    @property
    def lookup(self) -> bool:
        return self.subject.variable is None and not self.modified

    @property
    def predicate(self) -> str | None:
        """The constant predicate's IRI (a *scan*), else ``None``."""
        return self.predicate_term.iri

    def sorted_positions(self) -> frozenset[str] | None:
        """The places of the pattern (``subject``, ``object``) whose terms the sort compares; ``None`` when it
        also compares terms that are neither a count nor one of those places."""
        places = {"subject": self.subject.variable, "object": self.object.variable}
        positions = set()
        for variable in self.order:
            if variable in self.counts:
                continue
            matching = [place for place, name in places.items() if name == variable]
            if not matching:
                return None
            positions.update(matching)
        return frozenset(positions)


class _Tokens:
    def __init__(self, text: str) -> None:
        self.items: list[tuple[str, str]] = []
        at = 0
        for match in _TOKEN.finditer(text):
            if match.start() != at:
                raise _NotAPlan  # a character no token starts with
            at = match.end()
            kind = match.lastgroup
            if kind != "end":
                value = match.group(kind)  # type: ignore[arg-type]
                self.items.append((kind, value.upper() if kind == "word" and value != "a" else value))  # type: ignore[arg-type]
            elif at == len(text):
                break
        if at != len(text):
            raise _NotAPlan
        self.at = 0

    def peek(self) -> tuple[str, str]:
        return self.items[self.at] if self.at < len(self.items) else ("end", "")

    def take(self, kind: str, value: str | None = None) -> str:
        found_kind, found = self.peek()
        if found_kind != kind or (value is not None and found != value):
            raise _NotAPlan
        self.at += 1
        return found

    def accept(self, kind: str, value: str) -> bool:
        if self.peek() == (kind, value):
            self.at += 1
            return True
        return False

    def word_in(self, words: frozenset[str]) -> bool:
        kind, value = self.peek()
        return kind == "word" and value in words


class _NotAPlan(Exception):
    pass


def _prologue(tokens: _Tokens) -> dict[str, str]:
    prefixes = {}
    while tokens.accept("word", "PREFIX"):
        name = tokens.take("pname")
        if not name.endswith(":") or name.count(":") != 1:
            raise _NotAPlan
        prefixes[name[:-1]] = tokens.take("iri")[1:-1]
    return prefixes


def _aggregate(tokens: _Tokens) -> str:
    """``AGGREGATE([DISTINCT] ?v | *)``; the aggregate's name."""
    if not tokens.word_in(AGGREGATES):
        raise _NotAPlan
    name = tokens.take("word")
    tokens.take("op", "(")
    tokens.accept("word", "DISTINCT")
    if name == "COUNT" and tokens.accept("op", "*"):
        pass
    else:
        tokens.take("var")
    tokens.take("op", ")")
    return name


def _projection(tokens: _Tokens) -> tuple[bool, frozenset[str]]:
    """Whether it aggregates, and the variables bound to a COUNT."""
    if tokens.accept("op", "*"):
        return False, frozenset()
    aggregated, counts, items = False, set(), 0
    while True:
        kind, _ = tokens.peek()
        if kind == "var":
            tokens.take("var")
        elif tokens.accept("op", "("):
            name = _aggregate(tokens)
            tokens.take("word", "AS")
            alias = tokens.take("var")[1:]
            tokens.take("op", ")")
            aggregated = True
            if name == "COUNT":
                counts.add(alias)
        else:
            break
        items += 1
    if items == 0:
        raise _NotAPlan
    return aggregated, frozenset(counts)


def _term(tokens: _Tokens, prefixes: dict[str, str], *, variable: bool = True, a: bool = False) -> Term:
    kind, value = tokens.peek()
    if kind == "var" and variable:
        tokens.take(kind)
        return Term(variable=value[1:])
    if kind == "iri":
        tokens.take(kind)
        return Term(iri=value[1:-1])
    if kind == "pname":
        tokens.take(kind)
        prefix, _, local = value.partition(":")
        namespace = prefixes.get(prefix)
        return Term(iri=None if namespace is None else namespace + local)
    if a and (kind, value) == ("word", "a"):
        tokens.take(kind)
        return Term(iri=RDF_TYPE)
    raise _NotAPlan


def _modifiers(tokens: _Tokens) -> tuple[bool, tuple[str, ...]]:
    """``GROUP BY``, ``HAVING``, ``ORDER BY``, ``LIMIT``/``OFFSET``: whether any but the last two stands, and
    the variables sorted on."""
    grouped = _group_by(tokens)
    having = _having(tokens)
    order = _order_by(tokens)
    _limit_offset(tokens)
    return grouped or having or bool(order), order


def _group_by(tokens: _Tokens) -> bool:
    if not tokens.accept("word", "GROUP"):
        return False
    tokens.take("word", "BY")
    tokens.take("var")
    while tokens.peek()[0] == "var":
        tokens.take("var")
    return True


def _having(tokens: _Tokens) -> bool:
    """``HAVING (AGGREGATE(...) <comparison> <integer>)...``"""
    if not tokens.accept("word", "HAVING"):
        return False
    while True:
        tokens.take("op", "(")
        _aggregate(tokens)
        if tokens.peek()[1] not in _COMPARISONS:
            raise _NotAPlan
        tokens.take("op")
        tokens.take("int")
        tokens.take("op", ")")
        if tokens.peek() != ("op", "("):
            return True


def _order_by(tokens: _Tokens) -> tuple[str, ...]:
    """``ORDER BY`` of variables, each maybe in ``ASC()``/``DESC()``: the variables."""
    if not tokens.accept("word", "ORDER"):
        return ()
    tokens.take("word", "BY")
    order = []
    while True:
        if tokens.word_in(_DIRECTIONS):
            tokens.take("word")
            tokens.take("op", "(")
            order.append(tokens.take("var")[1:])
            tokens.take("op", ")")
        elif tokens.peek()[0] == "var":
            order.append(tokens.take("var")[1:])
        else:
            break
    if not order:
        raise _NotAPlan
    return tuple(order)


def _limit_offset(tokens: _Tokens) -> None:
    first, second = ("LIMIT", "OFFSET") if tokens.peek() == ("word", "LIMIT") else ("OFFSET", "LIMIT")
    for word in (first, second):
        if tokens.accept("word", word):
            tokens.take("int")


@lru_cache(maxsize=4096)
def read_plan(text: str) -> Plan | None:
    """The one-pattern plan the whole ``text`` reads as, or ``None`` (see the module)."""
    if len(text) > MAX_LENGTH or text.count("{") != 1:
        return None  # more than one group: not one pattern, known without reading further
    try:
        tokens = _Tokens(text)
        prefixes = _prologue(tokens)
        tokens.take("word", "SELECT")
        distinct = tokens.accept("word", "DISTINCT") or tokens.accept("word", "REDUCED")
        aggregated, counts = _projection(tokens)
        tokens.accept("word", "WHERE")
        tokens.take("op", "{")
        subject = _term(tokens, prefixes)
        predicate = _term(tokens, prefixes, a=True)
        obj = _term(tokens, prefixes)
        tokens.accept("op", ".")
        tokens.take("op", "}")
        modified, order = _modifiers(tokens)
        tokens.take("end")
    except _NotAPlan:
        return None
    return Plan(subject, predicate, obj, distinct or aggregated or modified, order, counts)


def is_bounded_lookup(text: str) -> bool:
    """Whether the whole ``text`` is one triple pattern with a constant subject and no modifier."""
    plan = read_plan(text)
    return plan is not None and plan.lookup


#: The most triples a scan's predicate may have for the server to evaluate the scan itself: the costliest
#: scan the grammar admits over 5,000 triples (grouped by subject and object with four aggregates, sorted)
#: takes 60-80 ms of this machine's time, the others 20-35 ms; over 20,000, 150-260 ms.
MAX_SCAN_TRIPLES = 5_000

#: Over at most ``MAX_SCAN_TRIPLES + 1`` triples of ``{predicate}`` in any graph: how many, and how many have
#: in the subject, and in the object, something that is neither an IRI nor a blank node.
_PREDICATE_FACTS = """SELECT (COUNT(*) AS ?n)
  (SUM(IF(isIRI(?s) || isBlank(?s), 0, 1)) AS ?subject) (SUM(IF(isIRI(?o) || isBlank(?o), 0, 1)) AS ?object)
WHERE {{ SELECT ?s ?o WHERE {{ {{ ?s <{predicate}> ?o }} UNION {{ GRAPH ?g {{ ?s <{predicate}> ?o }} }} }} LIMIT {cap} }}"""


@dataclass(frozen=True)
class PredicateFacts:
    """What a store holds of one predicate, up to ``MAX_SCAN_TRIPLES + 1`` triples."""

    triples: int
    #: The places (``subject``, ``object``) that hold something other than IRIs and blank nodes.
    mixed: frozenset[str]


class ScanCheck:
    """Whether the server evaluates a scan itself on one store: the predicate has at most
    ``MAX_SCAN_TRIPLES`` triples there, and the sort compares only terms the engine orders totally. Asked
    once per predicate and snapshot (``number``): a new snapshot asks again."""

    def __init__(self) -> None:
        self._number: int | None = None
        self._known: dict[str, PredicateFacts | None] = {}

    def allows(self, store: Any, number: int | None, plan: Plan) -> bool:
        positions = plan.sorted_positions()
        if positions is None or plan.predicate is None:
            return False
        if number != self._number or number is None:
            self._known.clear()
            self._number = number
        if plan.predicate not in self._known:
            self._known[plan.predicate] = predicate_facts(store, plan.predicate)
        facts = self._known[plan.predicate]
        return facts is not None and facts.triples <= MAX_SCAN_TRIPLES and not positions & facts.mixed


def predicate_facts(store: Any, predicate: str) -> PredicateFacts | None:
    """``None`` when the engine cannot read the IRI (a relative one, say): the query goes to a worker. The
    IRI was read by the grammar, which admits no character that could end it."""
    query = _PREDICATE_FACTS.format(predicate=predicate, cap=MAX_SCAN_TRIPLES + 1)
    try:
        (row,) = store.query(query)
    except (SyntaxError, ValueError, OSError):
        return None
    triples, subject, obj = (int(term.value) for term in row)
    return PredicateFacts(triples, frozenset(place for place, n in (("subject", subject), ("object", obj)) if n))
