"""Bind validated RDF terms to a canned query's variables with a VALUES block, and page it.

The query text is never edited with user text: a canned query is split once, when the catalogue is
loaded, at the opening brace of its outermost ``WHERE`` group; at run time a ``VALUES`` block built
from validated terms is put there, and ``LIMIT``/``OFFSET`` built from integers go at the end.
Terms are written by pyoxigraph in N-Triples syntax, which escapes ``"``, ``\\`` and line breaks in
literals; IRIs were checked by pyoxigraph's IRI parser, which refuses ``<``, ``>``, ``"``, spaces and
braces. So a value can only ever be one term of the block, whatever characters it holds.

>>> shape = QueryShape.of("SELECT ?x WHERE { ?x ?p ?o }")
>>> shape.bind({"p": NamedNode("http://e/p")})
'SELECT ?x WHERE { VALUES (?p) { (<http://e/p>) } ?x ?p ?o }'
>>> shape.page(shape.bind({}), limit=10, offset=20)
'SELECT ?x WHERE { ?x ?p ?o }\\nLIMIT 10 OFFSET 20'

For a server whose FILTER inside OPTIONAL does not see the outer VALUES block (Virtuoso 7), ``in_filters``
also writes each bound term where its variable stands inside a ``FILTER`` expression; the terms are the
same validated ones, and they replace variable tokens only (never text inside strings, IRIs or comments):

>>> shape = QueryShape.of('SELECT ?l WHERE { ?x ?p ?o OPTIONAL { ?x <l> ?l FILTER(lang(?l) = ?lang) } }')
>>> shape.bind({"lang": Literal("en")}, in_filters=True)
'SELECT ?l WHERE { VALUES (?lang) { ("en") } ?x ?p ?o OPTIONAL { ?x <l> ?l FILTER(lang(?l) = "en") } }'

A bound variable is BOUND, and ``BOUND`` takes a variable, not a term: ``BOUND(?name)`` becomes ``true``.

>>> shape = QueryShape.of("SELECT ?x WHERE { ?x ?p ?o FILTER(!BOUND(?k) || ?o = ?k) }")
>>> shape.bind({"k": NamedNode("http://e/k")}, in_filters=True)
'SELECT ?x WHERE { VALUES (?k) { (<http://e/k>) } ?x ?p ?o FILTER(!true || ?o = <http://e/k>) }'

A variable written into its FILTER expressions may then occur nowhere else in the query; Virtuoso 7 fails to
compile (SP031, ``ssg_print_rvr_fixed_val``) a VALUES block of several variables that holds such a variable
next to an OPTIONAL. So ``in_filters`` gives each such variable a VALUES block of its own, and the variables
that still occur in the query one block together (the same one solution either way: Virtuoso 7 estimates a
query with a block per variable many times costlier, beyond its ``MaxQueryCostEstimationTime``, and refuses
it). A variable given no value gets no block, as a block of one ``UNDEF`` row is the empty solution, which
joins with every solution unchanged (and costs as much on Virtuoso 7):

>>> shape = QueryShape.of("SELECT ?x WHERE { ?x ?p ?o ?q FILTER(?o != ?k) }")
>>> shape.bind({"p": NamedNode("http://e/p"), "q": NamedNode("http://e/q"), "k": Literal("k"), "o": None},
...            in_filters=True)
'SELECT ?x WHERE { VALUES (?p ?q) { (<http://e/p> <http://e/q>) } VALUES (?k) { ("k") } ?x ?p ?o ?q FILTER(?o != "k") }'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode

Term = NamedNode | Literal

# Tokens that may contain braces, '#' or keywords without being them: strings, IRIs, comments.
SKIPPED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
    re.DOTALL,
)
TOKEN = re.compile(r"[{}]|(?<![\w:?$@])[A-Za-z]+(?![\w:])")
# A FILTER keyword and the opening parenthesis of its expression (a bracketted one or a function call).
FILTER = re.compile(r"(?<![\w:?$@])FILTER\s*(?:[A-Za-z_][\w:-]*\s*)?\(", re.IGNORECASE)
# Where a variable's name ends: no further name character (SPARQL's VARNAME) follows.
NAME_END = r"(?![\w\u00b7\u0300-\u036f\u203f\u2040])"
FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
TRAILING = ("LIMIT", "OFFSET", "VALUES")


class QueryShapeError(ValueError):
    """The canned query cannot be bound or paged safely (no WHERE, or a trailing LIMIT/VALUES)."""


def _tokens(text: str) -> list[tuple[str, int, int]]:
    """Braces and bare keywords outside strings, IRIs and comments: (token, position, depth)."""
    tokens: list[tuple[str, int, int]] = []
    depth, position = 0, 0
    while position < len(text):
        skipped = SKIPPED.match(text, position)
        if skipped:
            position = skipped.end()
            continue
        token = TOKEN.match(text, position)
        if token is None:
            position += 1
            continue
        word = token.group()
        if word == "}":
            depth -= 1
        tokens.append((word.upper(), token.start(), depth))
        if word == "{":
            depth += 1
        position = token.end()
    return tokens


@dataclass(frozen=True)
class QueryShape:
    """Where a canned query starts its form and its outermost WHERE group."""

    text: str
    form: str
    form_at: int
    where_brace: int

    @classmethod
    def of(cls, text: str) -> QueryShape:
        tokens = _tokens(text)
        top = [(word, at) for word, at, depth in tokens if depth == 0]
        form = next(((w, at) for w, at in top if w in FORMS), None)
        if form is None:
            raise QueryShapeError("no SELECT, CONSTRUCT, ASK or DESCRIBE")
        where = next((i for i, (w, _) in enumerate(top) if w == "WHERE"), None)
        if where is None or where + 1 >= len(top) or top[where + 1][0] != "{":
            raise QueryShapeError("a canned query must write its WHERE keyword before its pattern")
        trailing = [w for w, _ in top[where + 1 :] if w in TRAILING]
        if trailing:
            raise QueryShapeError(f"a canned query must not end with {trailing[0]}: paging adds it")
        return cls(text, form[0], form[1], top[where + 1][1])

    def bind(self, terms: dict[str, Term | None], *, in_filters: bool = False) -> str:
        """The query with a VALUES block binding each named variable (None stays UNDEF); with
        ``in_filters``, the bound terms are written into the FILTER expressions too, a variable that then
        occurs nowhere else has a VALUES block of its own, and one given no value has none."""
        if not terms:
            return self.text
        at = self.where_brace + 1
        body = self.text[at:]
        if not in_filters:
            return self.text[:at] + _values(terms) + body
        given = {name: term for name, term in terms.items() if term is not None}
        body = _into_filters(body, {name: str(term) for name, term in given.items()})
        staying = _occurring(body, given)
        blocks = [_values({name: given[name] for name in staying})] if staying else []
        blocks += [_values({name: term}) for name, term in given.items() if name not in staying]
        return self.text[:at] + "".join(blocks) + body

    def page(self, bound: str, limit: int | None, offset: int = 0) -> str:
        """Append LIMIT/OFFSET (integers only) after the query's own solution modifiers."""
        clauses = []
        if limit is not None:
            clauses.append(f"LIMIT {int(limit)}")
        if offset:
            clauses.append(f"OFFSET {int(offset)}")
        return bound + "\n" + " ".join(clauses) if clauses else bound


def _values(terms: dict[str, Term | None]) -> str:
    """One VALUES block of one row binding every variable (None stays UNDEF)."""
    cells = {name: "UNDEF" if term is None else str(term) for name, term in terms.items()}
    return f" VALUES ({' '.join(f'?{name}' for name in cells)}) {{ ({' '.join(cells.values())}) }}"


def _occurring(text: str, names: Iterable[str]) -> list[str]:
    """The variables of ``names`` that occur in ``text`` outside strings, IRIs and comments, in that order."""
    bare = SKIPPED.sub(" ", text)
    return [name for name in names if re.search(r"[?$]" + re.escape(name) + NAME_END, bare)]


def _skip_or(text: str, position: int) -> int | None:
    """The end of the string, IRI or comment at ``position``, or None."""
    skipped = SKIPPED.match(text, position)
    return skipped.end() if skipped else None


def _closing(text: str, opening: int) -> int:
    """The position after the parenthesis that closes the one at ``opening``."""
    depth, position = 0, opening
    while position < len(text):
        end = _skip_or(text, position)
        if end is not None:
            position = end
            continue
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        position += 1
        if depth == 0:
            return position
    return len(text)


def _rewrite(text: str, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], tuple[str, int]]) -> str:
    """``text`` with each match of ``pattern`` outside strings, IRIs and comments rewritten: ``replace`` gives
    the new text and the position to go on from."""
    parts, position = [], 0
    while position < len(text):
        end = _skip_or(text, position)
        found = pattern.match(text, position) if end is None else None
        if end is not None:
            parts.append(text[position:end])
            position = end
        elif found:
            replacement, position = replace(found)
            parts.append(replacement)
        else:
            parts.append(text[position])
            position += 1
    return "".join(parts)


def _into_filters(text: str, values: dict[str, str]) -> str:
    """``text`` with each variable of ``values`` inside a FILTER expression replaced by its term, and
    ``BOUND`` of it by ``true`` (``BOUND`` takes a variable, not a term)."""
    if not values:
        return text
    names = "(" + "|".join(map(re.escape, values)) + ")" + NAME_END
    variable = re.compile(r"(?<![\w:?$@])(?i:BOUND)\s*\(\s*[?$]" + names + r"\s*\)|[?$]" + names)

    def term(found: re.Match[str]) -> tuple[str, int]:
        return ("true" if found[1] else values[found[2]]), found.end()

    def expression(found: re.Match[str]) -> tuple[str, int]:
        close = _closing(text, found.end() - 1)
        return _rewrite(text[found.start() : close], variable, term), close

    return _rewrite(text, FILTER, expression)
