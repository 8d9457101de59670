"""Reading a query's text for its form and its dataset clause (not for what it may reach: see test_policy.py)."""

from __future__ import annotations

import pytest

from clusterkg.sparql.form import QueryForm, analyse, tokens


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", QueryForm.SELECT),
        ("select * { ?s ?p ?o }", QueryForm.SELECT),
        ("# a comment with CONSTRUCT\nPREFIX ex: <http://e/>\nBASE <http://b/>\nASK { ?s ?p ?o }", QueryForm.ASK),
        ("PREFIX : <http://e/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", QueryForm.CONSTRUCT),
        ("DESCRIBE <http://e/x>", QueryForm.DESCRIBE),
        ("INSERT DATA { <http://e/a> <http://e/b> 1 }", QueryForm.UPDATE),
        ("PREFIX ex: <http://e/>\nDELETE WHERE { ?s ?p ?o }", QueryForm.UPDATE),
        ("WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", QueryForm.UPDATE),
        ("drop all", QueryForm.UPDATE),
        ("LOAD <http://e/data.ttl>", QueryForm.UPDATE),
        ("CLEAR DEFAULT", QueryForm.UPDATE),
        ("SELEC * {}", QueryForm.UNKNOWN),
        ("", QueryForm.UNKNOWN),
    ],
)
def test_query_form(text: str, form: QueryForm) -> None:
    assert analyse(text).form is form


def test_keywords_in_strings_comments_and_iris_do_not_count() -> None:
    text = """SELECT ?s WHERE {
      ?s <http://e/FROM> "FROM <http://evil/>" .   # FROM <http://evil/>
      ?s ?p 'FROM <file:///etc/passwd>' .
      ?s ex:FROM ?FROM .
    }"""
    assert analyse(text).dataset_iris == []


def test_from_and_from_named_give_the_dataset() -> None:
    text = (
        "BASE <http://base.example/> PREFIX g: <http://graphs.example/>\n"
        "SELECT * FROM <a> FROM g:b FROM NAMED <http://graphs.example/c> WHERE { ?s ?p ?o }"
    )
    analysis = analyse(text)
    assert analysis.default_graphs == ["http://base.example/a", "http://graphs.example/b"]
    assert analysis.named_graphs == ["http://graphs.example/c"]


def test_tokens_keep_strings_whole() -> None:
    kinds = [(t.kind, t.text) for t in tokens('SELECT ?x { ?x ?p "a # b" } # tail')]
    assert ("string", '"a # b"') in kinds
    assert all(t != "# tail" for _, t in kinds)
