"""The rows of a results document the engine wrote are counted exactly from its bytes, whatever its terms hold."""

from __future__ import annotations

import pytest
from pyoxigraph import QueryResultsFormat, QuerySolutions, Store

from clusterkg.formats import BY_NAME, Kind, of_kind
from clusterkg.sparql.result_rows import count_rows

RESULT_FORMATS = [fmt.name for fmt in of_kind(Kind.RESULTS)]
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Values that could fool a count: markup, separators, escapes, line breaks, ill-typed numbers (written in
#: full, not abbreviated), text in several scripts, language and direction, a blank node.
AWKWARD = [
    '"<result></result>"',
    '"</results><result>"@en',
    '"tab\\there, \\"quoted\\"\\nnew line"',
    '"crlf\\r\\nand lone\\rreturn"',
    '"back\\\\slash \\\\n not a newline"',
    '"日本語の説明 😀 ünïcödé"@ja',
    '"line\\u2028separator \\u0001 control"',
    '""',
    '"},{\\"x\\":{"',
    '"ends in ,{"',
    '"ends in {"',
    '"ends in :{"',
    '"{"',
    '"ends in [{"@en',
    f'"ends in ,{{"^^<{XSD}token>',
    '",{\\"x\\""',
    '"[{\\"x\\": 1}, {\\"y\\": 2}]"',
    '"a literal with {} in it, {}"',
    f'"a\\nb"^^<{XSD}integer>',
    f'"1e\\n"^^<{XSD}double>',
    f'"true\\n"^^<{XSD}boolean>',
    '"x\\ny"^^<http://e/dt>',
    '"rtl\\ntext"@ar--rtl',
    "<http://e/a?b=1&c=%22x%22#frag>",
    "42",
    "2.5",
]


def solutions(query: str) -> QuerySolutions:
    answer = Store().query(query)
    assert isinstance(answer, QuerySolutions)
    return answer


def written(query: str, fmt: str) -> tuple[bytes, int]:
    """The engine's document in ``fmt`` and its variables' number."""
    width = len(solutions(query).variables)
    return solutions(query).serialize(format=BY_NAME[fmt].results_format) or b"", width


def values_query(values: list[str], extra: str = "", *, empty_row: bool = True) -> str:
    """The values as rows beside a number, and (``empty_row``) a row that binds nothing."""
    rows = " ".join(f"({value} 1)" for value in values) + (" (UNDEF UNDEF)" if empty_row else "")
    return f"SELECT ?v ?n ?unbound WHERE {{ VALUES (?v ?n) {{ {rows} }} {extra} }}"


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
@pytest.mark.parametrize("value", AWKWARD)
def test_one_awkward_value_is_one_row(fmt: str, value: str) -> None:
    body, width = written(values_query([value]), fmt)
    assert count_rows(body, fmt, width) == 2


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
@pytest.mark.parametrize("value", AWKWARD)
def test_one_awkward_value_in_rows_that_all_bind_something(fmt: str, value: str) -> None:
    """Without an empty row the JSON counter reads the bytes rather than parse them: a literal ending in
    ``{`` must not pass for the start of a row."""
    body, width = written(values_query([value, value], empty_row=False), fmt)
    assert count_rows(body, fmt, width) == 2


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
def test_every_awkward_value_together(fmt: str) -> None:
    body, width = written(values_query(AWKWARD, "BIND(BNODE() AS ?blank)"), fmt)
    assert count_rows(body, fmt, width) == len(AWKWARD) + 1


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE {}", 1),
        ("SELECT * WHERE { VALUES ?x { 1 2 3 } FILTER(false) }", 0),
        ("SELECT ?x WHERE { FILTER(false) }", 0),
        ("SELECT ?x WHERE { VALUES ?y { 1 2 3 } }", 3),
        ("SELECT ?x ?y WHERE { VALUES ?z { 1 2 } }", 2),
        ("SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 6 7 } }", 7),
    ],
)
def test_empty_rows_and_no_rows(fmt: str, query: str, expected: int) -> None:
    body, width = written(query, fmt)
    assert count_rows(body, fmt, width) == expected


#: Terms the engine writes unquoted in CSV although they hold a separator: a comma in an IRI, triple terms.
CSV_UNQUOTED = [
    "<http://e/a,b>",
    '<<( <http://e/s> <http://e/p> "two\\nlines" )>>',
    '<<( <http://e/s> <http://e/p> "crlf\\r\\nlines" )>>',
    '<<( <http://e/s> <http://e/p> "a,b" )>>',
    "<<( <http://e/s> <http://e/p> <http://e/o,x> )>>",
]

TRIPLE_TERMS = [
    "<<( <http://e/s> <http://e/p> <http://e/o> )>>",
    '<<( <http://e/s> <http://e/p> "two\\nlines" )>>',
    '<<( <http://e/s> <http://e/p> "</result><result>" )>>',
    "<<( <http://e/s> <http://e/p> <<( <http://e/s> <http://e/p> 1 )>> )>>",
]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
@pytest.mark.parametrize("term", TRIPLE_TERMS + CSV_UNQUOTED)
@pytest.mark.parametrize("empty_row", [True, False])
def test_triple_terms_are_counted(fmt: str, term: str, empty_row: bool) -> None:
    body, width = written(values_query([term, term], empty_row=empty_row), fmt)
    assert count_rows(body, fmt, width) == 2 + empty_row


@pytest.mark.parametrize("term", CSV_UNQUOTED)
def test_csv_with_a_term_the_engine_leaves_unquoted_is_not_counted(term: str) -> None:
    """The engine writes IRIs and triple terms in CSV unquoted, whatever they hold: a comma, quote or line
    break in one breaks the record, so such a document is left to the Python writer, not miscounted."""
    body, width = written(values_query([term]), "csv")
    assert count_rows(body, "csv", width) is None


@pytest.mark.parametrize(
    "term", ["<<( <http://e/s> <http://e/p> <http://e/o> )>>", '<<( <http://e/s> <http://e/p> "plain" )>>']
)
def test_csv_of_a_triple_term_without_quote_or_separator_is_counted(term: str) -> None:
    body, width = written(values_query([term, term]), "csv")
    assert count_rows(body, "csv", width) == 3


def test_a_format_without_a_counter_is_not_counted() -> None:
    body = solutions("SELECT * WHERE {}").serialize(format=QueryResultsFormat.JSON) or b""
    assert count_rows(body, "turtle", 0) is None
