"""Binding: parameters reach a query only as terms of a VALUES block; hostile values stay one value."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Store

from clusterkg.canned.binding import QueryShape, QueryShapeError

HOSTILE = [
    'x" } UNION { ?s ?p ?o } #',
    "x' } UNION { ?s ?p ?o } #",
    '"""',
    "}",
    "#",
    "a\\",
    "\\u0022 } UNION { ?s ?p ?o } #",
    "\\\\u0022 ) } } SELECT * WHERE { ?s ?p ?o",
    "<http://e/a> <http://e/b>",
    ") } ; DROP ALL ; #",
    "x" * 10_000,
    "協会",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_string_is_bound_as_exactly_that_one_literal(value: str) -> None:
    shape = QueryShape.of("SELECT ?x ?n WHERE { BIND(1 AS ?n) }")
    bound = shape.bind({"x": Literal(value)})
    rows = list(Store().query(bound))
    assert len(rows) == 1
    assert rows[0]["x"] == Literal(value)


def test_the_block_goes_into_the_outermost_where_group_only() -> None:
    text = 'PREFIX e: <http://e/> # WHERE { in a comment\nSELECT ?s WHERE { ?s e:p "WHERE {" . { SELECT ?s WHERE { ?s ?p ?o } } }'
    bound = QueryShape.of(text).bind({"s": NamedNode("http://e/a")})
    assert bound.count("VALUES") == 1
    assert 'SELECT ?s WHERE { VALUES (?s) { (<http://e/a>) } ?s e:p "WHERE {"' in bound


def test_construct_binds_in_its_where_not_its_template() -> None:
    shape = QueryShape.of("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert shape.bind({"p": NamedNode("http://e/p")}) == (
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?p) { (<http://e/p>) } ?s ?p ?o }"
    )


def test_unbound_optional_parameters_are_undef() -> None:
    shape = QueryShape.of("SELECT * WHERE { ?s ?p ?o }")
    assert "VALUES (?p ?o) { (<http://e/p> UNDEF) }" in shape.bind({"p": NamedNode("http://e/p"), "o": None})


def test_paging_is_appended_as_integers_after_the_solution_modifiers() -> None:
    shape = QueryShape.of("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s # last line is a comment")
    paged = shape.page(shape.bind({}), limit=10, offset=20)
    assert paged.endswith("# last line is a comment\nLIMIT 10 OFFSET 20")
    Store().query(paged)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
        "SELECT * WHERE { ?s ?p ?o } OFFSET 5",
        "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <http://e/a> }",
        "PREFIX e: <http://e/>",
    ],
)
def test_queries_that_cannot_be_bound_or_paged_safely_are_refused(text: str) -> None:
    with pytest.raises(QueryShapeError):
        QueryShape.of(text)


FILTERED = """SELECT ?label ?note WHERE {
  ?s <http://e/p> ?o .
  OPTIONAL { ?s <http://e/label> ?label FILTER(lang(?label) = ?lang) }
  OPTIONAL { ?s <http://e/note> ?note FILTER langMatches(lang(?note), ?lang) }
  FILTER NOT EXISTS { ?s <http://e/hidden> ?lang }
  BIND("?lang stays in a string" AS ?text) # ?lang in a comment
}"""


def test_in_filters_writes_the_term_into_each_filter_expression_and_nowhere_else() -> None:
    bound = QueryShape.of(FILTERED).bind({"lang": Literal("ja")}, in_filters=True)
    assert 'FILTER(lang(?label) = "ja")' in bound
    assert 'FILTER langMatches(lang(?note), "ja")' in bound
    assert "FILTER NOT EXISTS { ?s <http://e/hidden> ?lang }" in bound  # a pattern, not an expression
    assert '"?lang stays in a string"' in bound and "# ?lang in a comment" in bound
    assert bound.count('VALUES (?lang) { ("ja") }') == 1


def test_in_filters_answers_as_the_values_block_alone() -> None:
    store = Store()
    store.update(
        'INSERT DATA { <http://e/s> <http://e/p> 1 ; <http://e/label> "ラベル"@ja , "label"@en ; '
        '<http://e/note> "メモ"@ja , "note"@en }'
    )
    shape = QueryShape.of(FILTERED)
    terms: dict[str, Literal | NamedNode | None] = {"lang": Literal("ja")}
    plain = [tuple(row) for row in store.query(shape.bind(terms))]  # type: ignore[union-attr]
    inline = [tuple(row) for row in store.query(shape.bind(terms, in_filters=True))]  # type: ignore[union-attr]
    assert plain == inline == [(Literal("ラベル", language="ja"), Literal("メモ", language="ja"))]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_string_written_into_a_filter_stays_that_one_literal(value: str) -> None:
    shape = QueryShape.of("SELECT ?x ?n WHERE { BIND(1 AS ?n) FILTER(STR(?x) = STR(?x)) }")
    bound = shape.bind({"x": Literal(value)}, in_filters=True)
    rows = list(Store().query(bound))  # type: ignore[arg-type]
    assert [(row["x"], row["n"]) for row in rows] == [(Literal(value), Literal(1))]


OPTIONAL_PARAMETER = """SELECT ?s WHERE {
  ?s <http://e/kind> ?kind .
  FILTER(!BOUND(?only) || ?kind = ?only)
  FILTER(!bound( $only ) || BOUND(?kind) || BOUND(?onlyNot))
}"""


def test_in_filters_writes_bound_of_a_bound_parameter_as_true_and_the_query_still_parses() -> None:
    bound = QueryShape.of(OPTIONAL_PARAMETER).bind({"only": NamedNode("http://e/a")}, in_filters=True)
    assert "FILTER(!true || ?kind = <http://e/a>)" in bound
    assert "FILTER(!true || BOUND(?kind) || BOUND(?onlyNot))" in bound


@pytest.mark.parametrize(
    ("only", "expected"), [(NamedNode("http://e/a"), ["<http://e/s1>"]), (None, ["<http://e/s1>", "<http://e/s2>"])]
)
def test_in_filters_with_an_optional_parameter_answers_as_the_values_block_alone(
    only: NamedNode | None, expected: list[str]
) -> None:
    store = Store()
    store.update(
        "INSERT DATA { <http://e/s1> <http://e/kind> <http://e/a> . <http://e/s2> <http://e/kind> <http://e/b> }"
    )
    shape = QueryShape.of(OPTIONAL_PARAMETER)
    terms: dict[str, Literal | NamedNode | None] = {"only": only}
    plain = sorted(str(row[0]) for row in store.query(shape.bind(terms)))  # type: ignore[union-attr]
    inline = sorted(str(row[0]) for row in store.query(shape.bind(terms, in_filters=True)))  # type: ignore[union-attr]
    assert plain == inline == expected


ONLY_IN_FILTERS = """SELECT ?label WHERE {
  ?s <http://e/p> ?o .
  OPTIONAL { ?s <http://e/label> ?label FILTER(lang(?label) = ?lang) }
}"""


def test_in_filters_gives_a_variable_found_only_in_filters_a_values_block_of_its_own() -> None:
    """Virtuoso 7 fails to compile a block of several variables holding one that occurs nowhere else (SP031)."""
    bound = QueryShape.of(ONLY_IN_FILTERS).bind({"s": NamedNode("http://e/s"), "lang": Literal("ja")}, in_filters=True)
    assert 'VALUES (?s) { (<http://e/s>) } VALUES (?lang) { ("ja") }' in bound
    assert "VALUES (?s ?lang)" not in bound


def test_in_filters_gives_the_variables_still_in_the_query_one_values_block() -> None:
    """A block per variable makes Virtuoso 7 estimate a query beyond its MaxQueryCostEstimationTime."""
    shape = QueryShape.of(FILTERED)
    bound = shape.bind({"s": NamedNode("http://e/s"), "lang": Literal("ja"), "o": None}, in_filters=True)
    assert bound.count("VALUES") == 1
    assert 'VALUES (?s ?lang) { (<http://e/s> "ja") }' in bound  # ?lang stays in FILTER NOT EXISTS's pattern


def test_in_filters_gives_a_variable_without_a_value_no_values_block() -> None:
    """A block of one UNDEF row is the empty solution: leaving it out changes no answer, and Virtuoso 7
    estimates some queries with it beyond its MaxQueryCostEstimationTime."""
    bound = QueryShape.of(OPTIONAL_PARAMETER).bind({"only": None}, in_filters=True)
    assert "VALUES" not in bound and "UNDEF" not in bound
    assert bound == OPTIONAL_PARAMETER
    assert QueryShape.of(OPTIONAL_PARAMETER).bind({"only": None}) != OPTIONAL_PARAMETER


def test_one_values_block_per_variable_answers_as_one_block_of_them_all() -> None:
    store = Store()
    store.update(
        'INSERT DATA { <http://e/s> <http://e/p> 1 ; <http://e/label> "ラベル"@ja , "label"@en . '
        '<http://e/t> <http://e/p> 2 ; <http://e/label> "other"@en }'
    )
    shape = QueryShape.of(FILTERED)
    terms: dict[str, Literal | NamedNode | None] = {"s": NamedNode("http://e/s"), "lang": Literal("ja"), "o": None}
    together = [tuple(row) for row in store.query(shape.bind(terms))]  # type: ignore[union-attr]
    apart = [tuple(row) for row in store.query(shape.bind(terms, in_filters=True))]  # type: ignore[union-attr]
    assert together == apart == [(Literal("ラベル", language="ja"), None)]


OPTIONAL_KIND = """SELECT ?s WHERE {
  ?s <http://e/p> ?o .
  FILTER(!BOUND(?kind) || EXISTS { ?s <http://e/kind> ?kind })
  FILTER(!bound( ?kind ) || ?o != ?kind)
}"""


def test_in_filters_writes_bound_of_a_given_parameter_as_true() -> None:
    bound = QueryShape.of(OPTIONAL_KIND).bind({"kind": NamedNode("http://e/a")}, in_filters=True)
    assert "FILTER(!true || EXISTS { ?s <http://e/kind> <http://e/a> })" in bound
    assert "FILTER(!true || ?o != <http://e/a>)" in bound


@pytest.mark.parametrize("kind", [NamedNode("http://e/a"), None])
def test_a_filter_on_an_optional_parameter_answers_as_the_values_block_alone(kind: NamedNode | None) -> None:
    store = Store()
    store.update(
        "INSERT DATA { <http://e/s> <http://e/p> 1 ; <http://e/kind> <http://e/a> . <http://e/t> <http://e/p> 2 }"
    )
    shape = QueryShape.of(OPTIONAL_KIND)
    terms: dict[str, Literal | NamedNode | None] = {"kind": kind}
    plain = sorted(str(row[0]) for row in store.query(shape.bind(terms)))  # type: ignore[union-attr]
    inline = sorted(str(row[0]) for row in store.query(shape.bind(terms, in_filters=True)))  # type: ignore[union-attr]
    assert plain == inline == (["<http://e/s>"] if kind else ["<http://e/s>", "<http://e/t>"])
