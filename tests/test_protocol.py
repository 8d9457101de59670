"""Reading SPARQL text: query forms, updates, SERVICE/LOAD targets and the policy that refuses them."""

from __future__ import annotations

import pytest

from clusterkg.errors import Forbidden, ServiceForbidden, UpdateForbidden
from clusterkg.sparql.policy import QueryForm, analyse, check_query_policy, tokens


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
    text = '''SELECT ?s WHERE {
      ?s <http://e/SERVICE> "SERVICE <http://evil/>" .   # SERVICE <http://evil/> { }
      ?s ?p """LOAD <http://evil/> " SERVICE""" .
      ?s ?p 'FROM <file:///etc/passwd>' .
      ?s ex:SERVICE ?SERVICE .
    }'''
    analysis = analyse(text)
    assert analysis.service_targets == []
    assert analysis.load_targets == []
    assert analysis.dataset_iris == []


def test_less_than_is_not_an_iri() -> None:
    analysis = analyse("SELECT * WHERE { ?a ?b ?c FILTER(?a < ?c && ?c > 2) SERVICE <http://x/> { ?a ?b ?c } }")
    assert analysis.service_targets == ["http://x/"]


def test_service_targets_are_resolved() -> None:
    text = (
        "BASE <http://base.example/> PREFIX svc: <http://remote.example/>\n"
        "SELECT * WHERE { SERVICE SILENT svc:sparql { ?s ?p ?o } SERVICE <relative> { ?s ?p ?o } "
        "SERVICE ?endpoint { ?s ?p ?o } }"
    )
    assert analyse(text).service_targets == ["http://remote.example/sparql", "http://base.example/relative", None]


ALLOW = ["https://query.wikidata.org/"]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
        "SELECT * { service <https://query.wikidata.org.evil/> { ?s ?p ?o } }",
        "SELECT * { SERVICE ?x { ?s ?p ?o } }",
        "SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
    ],
)
def test_service_outside_the_allow_list_is_refused(text: str) -> None:
    with pytest.raises(ServiceForbidden) as caught:
        check_query_policy(analyse(text), ALLOW)
    assert caught.value.status == 403
    assert "allow" in caught.value.message or "variable" in caught.value.message


def test_service_on_the_allow_list_passes() -> None:
    check_query_policy(analyse("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"), ALLOW)


def test_nothing_is_allowed_by_default() -> None:
    with pytest.raises(ServiceForbidden):
        check_query_policy(analyse("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"), [])


def test_updates_are_refused() -> None:
    with pytest.raises(UpdateForbidden):
        check_query_policy(analyse("INSERT DATA { <http://e/a> <http://e/b> 1 }"), ALLOW)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <FILE:///etc/hosts> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_file_iris_are_refused(text: str) -> None:
    with pytest.raises(Forbidden):
        check_query_policy(analyse(text), ALLOW)


def test_file_iris_in_protocol_graphs_are_refused() -> None:
    with pytest.raises(Forbidden):
        check_query_policy(analyse("SELECT * { ?s ?p ?o }"), [], ["file:///etc/passwd"])


def test_load_target_is_checked() -> None:
    analysis = analyse("LOAD SILENT <http://evil.example/x.ttl> INTO GRAPH <http://e/g>")
    assert analysis.load_targets == ["http://evil.example/x.ttl"]


def test_tokens_keep_strings_whole() -> None:
    kinds = [(t.kind, t.text) for t in tokens('SELECT ?x { ?x ?p "a # b" } # tail')]
    assert ("string", '"a # b"') in kinds
    assert all(t != "# tail" for _, t in kinds)
