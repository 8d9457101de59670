"""The form of a query (SELECT, ASK, CONSTRUCT, DESCRIBE, or an update) and its dataset clause, read from
its text before it is evaluated.

A small lexer skips comments, strings and IRIs, so that keywords inside them do not count. What it finds
chooses the result format family and the dataset (``FROM``/``FROM NAMED``); it decides nothing about what
the query may reach: that is ``policy.py``'s, which does not rely on a lexer. Parsing in full is the
engine's job: a query this lexer misreads gets a wrongly chosen format or dataset, or the engine's syntax
error, and nothing else.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin


class QueryForm(enum.Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"
    UPDATE = "UPDATE"
    UNKNOWN = "UNKNOWN"

    @property
    def is_graph(self) -> bool:
        """CONSTRUCT and DESCRIBE answer with RDF; SELECT and ASK with result sets."""
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
QUERY_KEYWORDS = frozenset(
    form.value for form in (QueryForm.SELECT, QueryForm.ASK, QueryForm.CONSTRUCT, QueryForm.DESCRIBE)
)

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
                 |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00B7-\uFFFF]+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>[\w\u00B7-\uFFFF][\w.\-\u00B7-\uFFFF]*:[\w.\-:%\\\u00B7-\uFFFF]*|:[\w.\-:%\\\u00B7-\uFFFF]*)
    | (?P<word>[A-Za-z_][\w\-]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str

    @property
    def keyword(self) -> str | None:
        return self.text.upper() if self.kind == "word" else None


def tokens(text: str) -> Iterator[Token]:
    """Significant tokens: whitespace and comments are dropped, strings kept as one opaque token."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group())


@dataclass
class Analysis:
    """What the lexer found: the form, the prologue, and the graphs of ``FROM`` and ``FROM NAMED``."""

    form: QueryForm = QueryForm.UNKNOWN
    base: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)

    @property
    def dataset_iris(self) -> list[str]:
        return [*self.default_graphs, *self.named_graphs]


def analyse(text: str) -> Analysis:
    analysis = Analysis()
    toks = list(tokens(text))
    _read_prologue_and_form(toks, analysis)
    for index, token in enumerate(toks):
        if token.keyword == "FROM":
            named = index + 1 < len(toks) and toks[index + 1].keyword == "NAMED"
            target = _target_after(toks, index, analysis)
            if target is not None:
                (analysis.named_graphs if named else analysis.default_graphs).append(target)
    return analysis


def _read_prologue_and_form(toks: Sequence[Token], analysis: Analysis) -> None:
    index = 0
    while index < len(toks):
        keyword = toks[index].keyword
        if keyword == "BASE" and index + 1 < len(toks):
            analysis.base = _iri_value(toks[index + 1], analysis)
            index += 2
        elif keyword == "PREFIX" and index + 2 < len(toks):
            iri = _iri_value(toks[index + 2], analysis)
            if iri is not None:
                analysis.prefixes[toks[index + 1].text.rstrip(":")] = iri
            index += 3
        else:
            break
    if index < len(toks):
        keyword = toks[index].keyword or ""
        if keyword in QUERY_KEYWORDS:
            analysis.form = QueryForm(keyword)
        elif keyword in UPDATE_KEYWORDS:
            analysis.form = QueryForm.UPDATE


def _target_after(toks: Sequence[Token], index: int, analysis: Analysis) -> str | None:
    """The IRI after ``FROM``, skipping ``NAMED``; ``None`` for anything else."""
    index += 1
    while index < len(toks) and toks[index].keyword in ("SILENT", "NAMED"):
        index += 1
    if index >= len(toks) or toks[index].kind == "var":
        return None
    return _iri_value(toks[index], analysis) or toks[index].text


def _iri_value(token: Token, analysis: Analysis) -> str | None:
    if token.kind == "iri":
        iri = token.text[1:-1]
        return urljoin(analysis.base, iri) if analysis.base else iri
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        namespace = analysis.prefixes.get(prefix)
        return None if namespace is None else namespace + local
    return None
