"""Read a SPARQL request's text without evaluating it: its form, and what it would reach outside the store.

A small lexer skips comments, strings and IRIs, so that keywords inside them do not count. It finds the
query form (SELECT/ASK/CONSTRUCT/DESCRIBE, or an update), the targets of ``SERVICE`` and ``LOAD`` and the
graphs of ``FROM``/``FROM NAMED``. ``check_policy`` then refuses what the service must not do: a
``SERVICE`` or ``LOAD`` whose target is not on the allow-list, and any ``file:`` IRI. Full parsing is
pyoxigraph's job; this only has to be right about the keywords it looks for.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from ..errors import Forbidden, ServiceForbidden, UpdateForbidden


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
    """What the lexer found. A target is ``None`` when it is a variable (decided only at run time)."""

    form: QueryForm = QueryForm.UNKNOWN
    base: str | None = None
    prefixes: dict[str, str] = field(default_factory=dict)
    service_targets: list[str | None] = field(default_factory=list)
    load_targets: list[str | None] = field(default_factory=list)
    dataset_iris: list[str | None] = field(default_factory=list)


def analyse(text: str) -> Analysis:
    analysis = Analysis()
    toks = list(tokens(text))
    _read_prologue_and_form(toks, analysis)
    for index, token in enumerate(toks):
        keyword = token.keyword
        if keyword == "SERVICE":
            analysis.service_targets.append(_target_after(toks, index, analysis))
        elif keyword == "LOAD":
            analysis.load_targets.append(_target_after(toks, index, analysis))
        elif keyword == "FROM":
            analysis.dataset_iris.append(_target_after(toks, index, analysis))
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
    """The IRI after ``SERVICE``/``LOAD``/``FROM``, skipping ``SILENT`` and ``NAMED``; ``None`` for a variable."""
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


def is_allowed(target: str, allowlist: Sequence[str]) -> bool:
    """A target is allowed when it is an http(s) IRI starting with an allow-list entry."""
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        return False
    return any(target.startswith(entry) for entry in allowlist if entry)


def check_query_policy(analysis: Analysis, allowlist: Sequence[str], extra_graphs: Sequence[str] = ()) -> None:
    """Refuse updates, ``SERVICE``/``LOAD`` outside the allow-list, and ``file:`` IRIs; else return."""
    if analysis.form is QueryForm.UPDATE:
        raise UpdateForbidden(
            "SPARQL updates are not accepted at /sparql: the endpoint is read-only.",
        )
    check_targets(analysis, allowlist, extra_graphs)


def check_targets(analysis: Analysis, allowlist: Sequence[str], extra_graphs: Sequence[str] = ()) -> None:
    for keyword, targets in (("SERVICE", analysis.service_targets), ("LOAD", analysis.load_targets)):
        for target in targets:
            if target is None:
                raise ServiceForbidden(f"{keyword} with a variable target is not allowed.", target=None)
            if not is_allowed(target, allowlist):
                raise ServiceForbidden(
                    f"{keyword} <{target}> is not allowed: its target is not on the allow-list "
                    "(CLUSTERKG_SERVICE_ALLOWLIST).",
                    target=target,
                )
    for graph in [*analysis.dataset_iris, *extra_graphs]:
        if graph is not None and urlsplit(graph).scheme.lower() == "file":
            raise Forbidden(f"<{graph}>: file: IRIs are not allowed.", target=graph)
