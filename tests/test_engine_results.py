"""The engine writes whole answers within the row limit and budget, and its documents say what ours say."""

from __future__ import annotations

import csv
import io

import pytest
from pyoxigraph import QueryResultsFormat, QuerySolutions, Store, parse_query_results

from clusterkg.formats import BY_NAME, Kind, of_kind
from clusterkg.sparql.engine_results import BoundedSink, OverBudget, byte_budget, write_whole
from clusterkg.sparql.serialise import serialise_solutions

RESULT_FORMATS = [fmt.name for fmt in of_kind(Kind.RESULTS)]
LIMIT = 5

AWKWARD = """SELECT ?s ?label ?n ?blank ?none WHERE {
  VALUES (?s ?label ?n) {
    (<http://e/a> "plain" 1)
    (<http://e/b> "tab\\there, \\"quoted\\"\\nnew line\\r\\nand crlf"@en 2.5)
    (<http://e/c> "日本語の説明 😀 <result>&amp;</result>"@ja UNDEF)
    (<http://e/d> "back\\\\slash\\u0001"^^<http://e/dt> "x\\ny"^^<http://www.w3.org/2001/XMLSchema#integer>)
    (<http://e/e> "" "rtl"@ar--rtl)
  }
  BIND(BNODE() AS ?blank)
}"""


def solutions(query: str) -> QuerySolutions:
    answer = Store().query(query)
    assert isinstance(answer, QuerySolutions)
    return answer


def numbers(rows: int) -> str:
    return f"SELECT ?n WHERE {{ VALUES ?n {{ {' '.join(str(i) for i in range(rows))} }} }}"


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
@pytest.mark.parametrize("rows", [0, LIMIT - 1, LIMIT])
def test_an_answer_within_the_limit_is_the_engines_document(fmt: str, rows: int) -> None:
    whole = write_whole(solutions(numbers(rows)), BY_NAME[fmt], LIMIT)
    assert whole is not None
    assert whole.count == rows and not whole.truncated
    assert whole.body == solutions(numbers(rows)).serialize(format=BY_NAME[fmt].results_format)


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
@pytest.mark.parametrize("rows", [LIMIT + 1, LIMIT + 100])
def test_an_answer_past_the_limit_is_left_to_the_python_writers(fmt: str, rows: int) -> None:
    assert write_whole(solutions(numbers(rows)), BY_NAME[fmt], LIMIT) is None


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
def test_an_answer_past_the_budget_is_left_to_the_python_writers(fmt: str) -> None:
    long = "x" * byte_budget(LIMIT)
    assert write_whole(solutions(f'SELECT ?v WHERE {{ BIND("{long}" AS ?v) }}'), BY_NAME[fmt], LIMIT) is None
    short = "x" * (byte_budget(LIMIT) // 2)
    whole = write_whole(solutions(f'SELECT ?v WHERE {{ BIND("{short}" AS ?v) }}'), BY_NAME[fmt], LIMIT)
    assert whole is not None and whole.count == 1


def test_the_engine_stops_writing_at_the_first_refused_write() -> None:
    class Counting(BoundedSink):
        def __init__(self, budget: int) -> None:
            super().__init__(budget)
            self.writes = 0

        def write(self, data: bytes) -> int:
            self.writes += 1
            return super().write(data)

    sink = Counting(10_000)
    with pytest.raises(OverBudget):
        solutions(numbers(100_000)).serialize(sink, format=QueryResultsFormat.JSON)
    assert len(sink.getvalue()) <= 10_000
    assert sink.writes <= 10_000 // 1024 + 2  # the engine writes in chunks of some KiB, and not after a refusal


def test_a_sink_refuses_what_would_pass_its_budget() -> None:
    sink = BoundedSink(5)
    assert sink.write(b"12345") == 5
    with pytest.raises(OverBudget):
        sink.write(b"6")
    assert sink.getvalue() == b"12345"


def test_the_budget_grows_with_the_limit_up_to_a_ceiling() -> None:
    assert byte_budget(10) < byte_budget(1000) < byte_budget(10**9)
    assert byte_budget(10**9) == byte_budget(10**10)


def ours(query: str, fmt: str) -> bytes:
    answer = solutions(query)
    names = [variable.value for variable in answer.variables]
    return serialise_solutions(names, (tuple(row) for row in answer), BY_NAME[fmt], 100).body


def normalise(rows: QuerySolutions) -> list[tuple[str | None, ...]]:
    """Terms in N-Triples form, blank nodes reduced to 'bnode' (their labels are arbitrary)."""
    return [tuple(None if t is None else "bnode" if str(t).startswith("_:") else str(t) for t in row) for row in rows]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv"])
def test_the_engines_document_parses_to_the_same_solutions_as_ours(fmt: str) -> None:
    whole = write_whole(solutions(AWKWARD), BY_NAME[fmt], LIMIT)
    assert whole is not None and whole.count == 5
    theirs = parse_query_results(whole.body, format=BY_NAME[fmt].results_format)
    mine = parse_query_results(ours(AWKWARD, fmt), format=BY_NAME[fmt].results_format)
    assert isinstance(theirs, QuerySolutions) and isinstance(mine, QuerySolutions)
    assert [v.value for v in theirs.variables] == [v.value for v in mine.variables]
    assert normalise(theirs) == normalise(mine)


def test_the_engines_csv_reads_as_the_same_table_as_ours() -> None:
    whole = write_whole(solutions(AWKWARD), BY_NAME["csv"], LIMIT)
    assert whole is not None and whole.count == 5

    def table(body: bytes) -> list[list[str]]:
        rows = list(csv.reader(io.StringIO(body.decode(), newline="")))
        return [["bnode" if cell.startswith("_:") else cell for cell in row] for row in rows]

    assert table(whole.body) == table(ours(AWKWARD, "csv"))
    assert table(whole.body)[2][1] == 'tab\there, "quoted"\nnew line\r\nand crlf'


XSD = "http://www.w3.org/2001/XMLSchema#"
SHORT_AND_LONG_FORMS = f"""SELECT ?s ?label ?n ?m WHERE {{
  VALUES (?s ?label ?n) {{
    (<http://e/a> "plain" 1)
    (<http://e/b> "tab\\there, \\"quoted\\"\\nnew line\\r\\nand crlf"@en 2.5)
    (<http://e/d> "back\\\\slash\\u0001"^^<http://e/dt> "x\\ny"^^<{XSD}integer>)
    (<http://e/e> "" "rtl"@ar--rtl)
  }}
  VALUES ?m {{ -2 +3 -.5 "1"^^<{XSD}decimal> "1.5E2"^^<{XSD}double> "NaN"^^<{XSD}double> true
              "TRUE"^^<{XSD}boolean> "x"^^<{XSD}string> <<( <http://e/a> <http://e/p> 1 )>> }}
}}"""


def test_our_tsv_is_the_engines_tsv_byte_for_byte() -> None:
    """An answer written by us (remote or cut) reads exactly like one the engine wrote: numbers and
    booleans in their short form, other literals quoted, quoted triples in brackets."""
    engine = solutions(SHORT_AND_LONG_FORMS).serialize(format=QueryResultsFormat.TSV)
    assert ours(SHORT_AND_LONG_FORMS, "tsv") == engine
    assert b"\t1\t" in engine and b'"TRUE"^^' in engine and b"<<( <http://e/a> <http://e/p> 1 )>>" in engine
