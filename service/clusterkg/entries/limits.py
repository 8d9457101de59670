"""What an entry may hold, checked on its bytes before any parser sees them, and while it is parsed.

An entry is a handful of resources, so it has no use for what makes parsers expensive:

- **No DTD, no entity declarations.** RDF/XML is XML, and an XML parser expands entities declared in a
  document type declaration: 728 bytes of nested declarations (the "billion laughs") become gigabytes.
  Any ``<!DOCTYPE`` or ``<!ENTITY`` in an entry is refused at once, whatever its format, before anything
  is expanded.
- **Bounded nesting.** JSON-LD objects and arrays, Turtle's ``[ ... ]`` and ``( ... )``, and XML
  elements nested deeper than ``max_entry_depth`` are refused: recursive readers (Python's own JSON
  reader among them) would otherwise exhaust the stack.
- **Bounded triples.** Parsing stops, and the entry is refused, at ``max_entry_triples`` triples, so a
  small body that unfolds into many triples (lists, blank nodes) cannot make validation or the store
  hold more than that.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from ..errors import EntryRefused

DEFAULT_MAX_DEPTH = 64
DEFAULT_MAX_TRIPLES = 20_000

T = TypeVar("T")

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
# Strings and comments, whose brackets do not nest anything.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_TURTLE_SKIPPED = re.compile(
    rb'"""(?:[^"\\]|\\.|"(?!""))*"""'
    rb"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    rb'|"(?:[^"\\\n]|\\.)*"'
    rb"|'(?:[^'\\\n]|\\.)*'"
    rb"|<[^<>\"{}|^`\\\s]*>"
    rb"|#[^\n]*",
    re.DOTALL,
)
_XML_SKIPPED = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.DOTALL)
_XML_TAG = re.compile(rb"<(/?)[^<>]*?(/?)>", re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}()]")
_OPENING = frozenset(b"[{(")


@dataclass(frozen=True)
class EntryLimits:
    """The limits of one service: ``max_depth`` levels of nesting, ``max_triples`` triples."""

    max_depth: int = DEFAULT_MAX_DEPTH
    max_triples: int = DEFAULT_MAX_TRIPLES

    def check_bytes(self, data: bytes, syntax: str) -> None:
        """Refuse declarations and deep nesting; ``syntax`` is ``json``, ``turtle`` or ``xml``."""
        refuse_declarations(data)
        if nesting_depth(data, syntax, stop=self.max_depth + 1) > self.max_depth:
            raise EntryRefused(
                f"The entry nests deeper than the limit of {self.max_depth} levels (CLUSTERKG_MAX_ENTRY_DEPTH).",
                limit="max_entry_depth",
                value=self.max_depth,
            )

    def bounded(self, items: Iterable[T]) -> Iterator[T]:
        """The items, refusing the entry when there are more than ``max_triples``."""
        for count, item in enumerate(items, start=1):
            if count > self.max_triples:
                raise EntryRefused(
                    f"The entry holds more than {self.max_triples} triples, the limit (CLUSTERKG_MAX_ENTRY_TRIPLES).",
                    limit="max_entry_triples",
                    value=self.max_triples,
                )
            yield item


def refuse_declarations(data: bytes) -> None:
    """Refuse a document type or entity declaration anywhere in the entry.

    >>> refuse_declarations(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    Traceback (most recent call last):
    ...
    clusterkg.errors.EntryRefused: The entry declares a DOCTYPE: entries may not hold DTDs or entity declarations.
    """
    match = _DECLARATION.search(data)
    if match is not None:
        raise EntryRefused(
            f"The entry declares a{'n' if match.group(1).upper() == b'ENTITY' else ''} {match.group(1).upper().decode()}: "
            "entries may not hold DTDs or entity declarations.",
            limit="no_dtd",
        )


def nesting_depth(data: bytes, syntax: str, stop: int | None = None) -> int:
    """How deep brackets (JSON, Turtle) or elements (XML) nest, strings and comments aside; counting
    ends at ``stop`` levels.

    >>> nesting_depth(b'{"a": [{"b": "[[["}]}', "json"), nesting_depth(b"<a><b/><c><d></d></c></a>", "xml")
    (3, 3)
    """
    if syntax == "xml":
        return _xml_depth(_XML_SKIPPED.sub(b"", data), stop)
    skipped = _JSON_STRING if syntax == "json" else _TURTLE_SKIPPED
    return _bracket_depth(skipped.sub(b"", data), stop)


def _bracket_depth(text: bytes, stop: int | None) -> int:
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        if match.group()[0] in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
            if deepest == stop:
                break
        else:
            depth -= 1
    return deepest


def _xml_depth(text: bytes, stop: int | None) -> int:
    depth = deepest = 0
    for match in _XML_TAG.finditer(text):
        closing, empty = match.group(1), match.group(2)
        if closing:
            depth -= 1
            continue
        deepest = max(deepest, depth + 1)
        depth += 0 if empty else 1
        if deepest == stop:
            break
    return deepest
