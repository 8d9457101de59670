"""Which queries the server may evaluate itself, without the hop to a query worker: bounded lookups.

A query worker exists to stop what could run away (killed at the timeout, capped in memory, without
network). A *bounded lookup* cannot: it is one triple pattern with a constant subject, so the engine reads
one range of one index (the triples of that subject) and stops writing at the row limit. Its cost is
that of the answer; nothing in it calls an endpoint, joins, sorts, groups or repeats.

The decision reads the whole text against a small grammar, not a scan for bad words: a query is a lookup
only when all of it, from the first character to the last, is ``PREFIX`` declarations, ``SELECT`` of
variables or ``*``, an optional ``WHERE``, a group of exactly one triple pattern whose subject is an IRI
(``<...>`` or a prefixed name), and optional ``LIMIT``/``OFFSET``. Nothing else can stand anywhere: no
comment, no string, no backslash (the ``\\u`` escapes SPARQL reads before parsing), no second pattern, no
path, no ``FILTER``, ``SERVICE``, ``ORDER BY``, ``GROUP BY`` or ``DISTINCT``. A text the grammar reads as a
lookup is read the same way by the engine, or refused by it as malformed (an undeclared prefix).

>>> is_bounded_lookup("SELECT ?p ?o WHERE { <https://w3id.org/clusterkg/id/org/ivam> ?p ?o }")
True
>>> is_bounded_lookup("SELECT ?p ?o WHERE { ?s ?p ?o }")
False
"""

from __future__ import annotations

import re

_WS = r"[ \t\r\n]"
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_PNAME_NS = r"(?:[A-Za-z][A-Za-z0-9_-]*)?:"
_PNAME = _PNAME_NS + r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*)"
_VAR = r"[?$][A-Za-z_][A-Za-z0-9_]*"
_CONSTANT = f"(?:{_IRI}|{_PNAME})"
_PREDICATE = f"(?:{_CONSTANT}|{_VAR}|a)"

LOOKUP = re.compile(
    rf"""
    {_WS}*
    (?:PREFIX{_WS}+{_PNAME_NS}{_WS}*{_IRI}{_WS}*)*
    SELECT{_WS}*(?:\*|{_VAR}(?:{_WS}*{_VAR})*){_WS}*
    (?:WHERE{_WS}*)?
    \{{{_WS}*{_CONSTANT}{_WS}+{_PREDICATE}{_WS}+(?:{_CONSTANT}|{_VAR})(?:{_WS}*\.)?{_WS}*\}}
    (?:{_WS}*LIMIT{_WS}+[0-9]{{1,9}})?
    (?:{_WS}*OFFSET{_WS}+[0-9]{{1,9}})?
    {_WS}*
    """,
    re.IGNORECASE | re.VERBOSE | re.ASCII,
)


def is_bounded_lookup(text: str) -> bool:
    """Whether the whole ``text`` is one triple pattern with a constant subject (see the module)."""
    return len(text) <= 4096 and LOOKUP.fullmatch(text) is not None
