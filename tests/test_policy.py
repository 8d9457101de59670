"""What a query may do at /sparql: no update, no file: graph, no deep nesting, SERVICE only to allow-listed
endpoints, decided so that no spelling of the query can make the engine see another endpoint."""

from __future__ import annotations

import pytest

from clusterkg.errors import Forbidden, ServiceForbidden, UpdateForbidden
from clusterkg.sparql.form import analyse
from clusterkg.sparql.policy import NestingTooDeep, check_query

ALLOW = ["https://query.wikidata.org/"]
ALLOWED_CALL = "SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"


def verdict(text: str, allowlist: list[str] = ALLOW, **options: object) -> bool:
    return check_query(text, analyse(text), allowlist, **options).federated  # type: ignore[arg-type]


def test_a_call_to_an_allow_listed_endpoint_is_federated() -> None:
    assert verdict(ALLOWED_CALL)
    assert verdict(ALLOWED_CALL.replace("SERVICE", "service SILENT"))


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { ?s a <https://w3id.org/clusterkg/id/service/matching> }",
        'SELECT * { ?s ?p ?o FILTER(CONTAINS(?o, "support service")) }',
        "PREFIX cks: <https://w3id.org/clusterkg/id/service/> SELECT * { cks:x ?p ?o } # a SERVICE in a comment",
    ],
)
def test_service_as_a_word_is_no_call_and_runs_without_network(text: str) -> None:
    assert not verdict(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
        "SELECT * { service <https://query.wikidata.org.evil/> { ?s ?p ?o } }",
        "SELECT * { SERVICE <https://query.wikidata.org@127.0.0.1/> { ?s ?p ?o } }",
        "SELECT * { SERVICE <http://[::1]:8000/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <http://2130706433/sparql> { ?s ?p ?o } }",
        "SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
        "SELECT * { SERVICE <https://query.wikidata.org/../x> { ?s ?p ?o } }",
    ],
)
def test_an_endpoint_off_the_allow_list_is_refused(text: str) -> None:
    with pytest.raises(ServiceForbidden) as caught:
        verdict(text)
    assert caught.value.status == 403 and "allow-list" in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        # the allowed call vouches for nothing else that could spell SERVICE
        ALLOWED_CALL[:-1] + " SERVICE ?x { ?s ?p ?o } }",
        ALLOWED_CALL[:-1] + " SERVICE ex:endpoint { ?s ?p ?o } }",
        ALLOWED_CALL[:-1] + ' ?s ?p "SERVICE <http://127.0.0.1:9/>" }',
        ALLOWED_CALL[:-1] + " } # SERVICE <http://127.0.0.1:9/>",
        ALLOWED_CALL[:-1] + " \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        ALLOWED_CALL.replace("{ ?s", '{ ?s <http://e/\\u003E> "x" . ?s', 1),
        ALLOWED_CALL[:-1] + " SERVICE\n#\n<http://127.0.0.1:9/> { } }",
        "PREFIX e: <http://e/> SELECT * { BIND(e:a\\' AS ?x) SERVICE <http://127.0.0.1:9/> { } } # '",
        "PREFIX e: <http://e/> SELECT * { BIND(e:a\\# AS ?x) SERVICE <http://127.0.0.1:9/> { }\n}",
        ALLOWED_CALL[:-1] + " SERVİCE <http://127.0.0.1:9/> { } }",
        ALLOWED_CALL[:-1] + " ſervice <http://127.0.0.1:9/> { } }",
    ],
)
def test_a_call_keeps_every_spelling_of_service_to_allow_listed_iris(text: str) -> None:
    with pytest.raises(ServiceForbidden):
        verdict(text)


def test_nothing_is_allowed_by_default() -> None:
    with pytest.raises(ServiceForbidden):
        verdict(ALLOWED_CALL, [])


def test_without_an_isolated_engine_a_parser_must_show_there_is_no_service() -> None:
    assert not verdict('SELECT * { ?s ?p "a service" }', isolated=False)
    with pytest.raises(ServiceForbidden):
        verdict("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", isolated=False)
    with pytest.raises(ServiceForbidden):
        verdict("SELECT * { ?s ?p ?o . SERVICE unparsable", isolated=False)


def test_updates_are_refused() -> None:
    with pytest.raises(UpdateForbidden):
        verdict("INSERT DATA { <http://e/a> <http://e/b> 1 }")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <FILE:///etc/hosts> WHERE { GRAPH ?g { ?s ?p ?o } }",
    ],
)
def test_file_iris_are_refused(text: str) -> None:
    with pytest.raises(Forbidden):
        verdict(text)


def test_file_iris_in_protocol_graphs_are_refused() -> None:
    with pytest.raises(Forbidden):
        verdict("SELECT * { ?s ?p ?o }", protocol_graphs=["file:///etc/passwd"])


@pytest.mark.parametrize("opening", ["{", "(", "["])
def test_nesting_deeper_than_the_limit_is_refused_before_parsing(opening: str) -> None:
    closing = {"{": "}", "(": ")", "[": "]"}[opening]
    text = "SELECT * WHERE { FILTER(" + opening * 10_000 + closing * 10_000 + ") }"
    with pytest.raises(NestingTooDeep) as caught:
        verdict(text, max_nesting=256)
    assert caught.value.status == 400 and "256" in caught.value.message
    assert caught.value.extra["depth"] == 10_002 if opening != "(" else 10_001


def test_nesting_within_the_limit_passes() -> None:
    assert not verdict("SELECT * WHERE " + "{" * 50 + " ?s ?p ?o " + "}" * 50, max_nesting=256)
