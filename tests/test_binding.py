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
