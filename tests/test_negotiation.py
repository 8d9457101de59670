"""Content negotiation: Accept with q-values and wildcards, the format parameter, 406."""

from __future__ import annotations

import pytest

from clusterkg.errors import NotAcceptable
from clusterkg.sparql.negotiation import negotiate, parse_accept


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "json"),
        ("", "json"),
        ("*/*", "json"),
        ("application/sparql-results+json", "json"),
        ("application/json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
        ("text/*", "csv"),
        ("text/csv;q=0.5, application/sparql-results+xml", "xml"),
        ("text/csv;q=0.9, application/sparql-results+xml;q=0.8", "csv"),
        ("application/sparql-results+xml, application/sparql-results+json", "xml"),
        ("*/*;q=0.1, text/tab-separated-values", "tsv"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml"),
        # SPARQLWrapper's JSON header
        ("application/sparql-results+json,application/json,text/javascript,application/javascript", "json"),
    ],
)
def test_results_formats_from_accept(accept: str | None, expected: str) -> None:
    assert negotiate(False, accept).name == expected


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "turtle"),
        ("*/*", "turtle"),
        ("text/turtle", "turtle"),
        ("application/n-triples", "ntriples"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdfxml"),
        ("application/ld+json;q=0.5, application/rdf+xml;q=0.6", "rdfxml"),
        # SPARQLWrapper's N3 header lists Turtle first
        ("application/turtle,text/turtle,text/rdf+n3,application/n-triples,application/n3,text/n3", "turtle"),
    ],
)
def test_graph_formats_from_accept(accept: str | None, expected: str) -> None:
    assert negotiate(True, accept).name == expected


def test_q_zero_excludes_a_format() -> None:
    assert negotiate(False, "*/*, application/sparql-results+json;q=0").name == "xml"


@pytest.mark.parametrize(
    ("graph", "params", "expected"),
    [
        (False, ["json"], "json"),
        (False, ["tsv", "text/tab-separated-values"], "tsv"),
        (False, ["application/sparql-results+xml"], "xml"),
        (True, ["json-ld", "application/ld+json"], "jsonld"),
        (True, ["xml"], "rdfxml"),
        (True, ["rdf+xml"], "rdfxml"),
        (True, ["n3"], "turtle"),
        (True, ["nt"], "ntriples"),
        (False, ["nonsense", "csv"], "csv"),
    ],
)
def test_format_parameter_wins_over_accept(graph: bool, params: list[str], expected: str) -> None:
    assert negotiate(graph, "text/csv", params).name == expected


@pytest.mark.parametrize(
    ("graph", "accept", "params"),
    [
        (False, "image/png", []),
        (False, "text/turtle", []),
        (True, "application/sparql-results+json", []),
        (False, None, ["turtle"]),
        (True, None, ["csv"]),
    ],
)
def test_not_acceptable_lists_what_is_available(graph: bool, accept: str | None, params: list[str]) -> None:
    with pytest.raises(NotAcceptable) as caught:
        negotiate(graph, accept, params)
    assert caught.value.status == 406
    body = caught.value.to_json()
    assert body["error"] == "not_acceptable"
    assert ("text/turtle" in body["available"]) is graph


def test_parse_accept_reads_quality_and_ignores_junk() -> None:
    ranges = parse_accept("text/csv;q=0.3, junk, text/*;level=1;q=0.7, */*;q=abc")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "csv", 0.3), ("text", "*", 0.7), ("*", "*", 0.0)]
