"""The format registry: every format is one entry, and every feature that offers formats reads it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from pyoxigraph import RdfFormat, parse, serialize

from clusterkg.cli import main
from clusterkg.formats import BY_NAME, ENTRY_FORMATS, FORMATS, IMPORT_FORMATS, Kind, for_media_type, named, of_kind
from clusterkg.linkeddata.representations import REPRESENTATIONS, split_suffix
from clusterkg.sparql.negotiation import negotiate

TRIPLE = '<http://e/a> <http://e/p> "x"@en .'


def test_names_and_suffixes_each_name_one_format() -> None:
    assert len({fmt.name for fmt in FORMATS}) == len(FORMATS)
    assert len({fmt.suffix for fmt in FORMATS}) == len(FORMATS)


@pytest.mark.parametrize("kind", list(Kind))
def test_a_media_type_names_one_format_of_each_kind(kind: Kind) -> None:
    own = [fmt.media_type for fmt in of_kind(kind)]
    assert len(own) == len(set(own))


@pytest.mark.parametrize("fmt", of_kind(Kind.RESULTS), ids=lambda fmt: fmt.name)
def test_every_results_format_has_a_writer_and_an_engine_format(fmt: object) -> None:
    assert fmt.solutions_writer is not None and fmt.results_format is not None  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", of_kind(Kind.GRAPH, Kind.DATASET), ids=lambda fmt: fmt.name)
def test_every_rdf_format_is_known_to_both_rdf_libraries(fmt: object) -> None:
    assert isinstance(fmt.rdf_format, RdfFormat)  # type: ignore[attr-defined]
    assert fmt.rdflib_name  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", [*of_kind(Kind.RESULTS), *of_kind(Kind.GRAPH)], ids=lambda fmt: fmt.name)
def test_negotiation_finds_every_format_by_its_name_and_its_media_type(fmt: object) -> None:
    graph = fmt.kind is Kind.GRAPH  # type: ignore[attr-defined]
    assert negotiate(graph, fmt.media_type) is fmt  # type: ignore[attr-defined]
    assert negotiate(graph, None, [fmt.name]) is fmt  # type: ignore[attr-defined]


def test_other_spellings_find_their_format() -> None:
    assert named("ttl") is BY_NAME["turtle"]
    assert named("json", Kind.GRAPH) is BY_NAME["jsonld"]
    assert named("json", Kind.RESULTS) is BY_NAME["json"]
    assert for_media_type("text/plain", Kind.GRAPH) is BY_NAME["ntriples"]


def test_linked_data_offers_the_page_and_every_graph_format() -> None:
    assert (BY_NAME["html"], *of_kind(Kind.GRAPH)) == REPRESENTATIONS
    for fmt in REPRESENTATIONS:
        assert split_suffix(f"/id/org/x.{fmt.suffix}") == ("/id/org/x", fmt.name)


@pytest.mark.parametrize("fmt", ENTRY_FORMATS, ids=lambda fmt: fmt.name)
def test_entries_and_imports_can_be_read_in_their_formats(fmt: object) -> None:
    assert fmt in IMPORT_FORMATS
    triples = [quad.triple for quad in parse(TRIPLE, format=RdfFormat.N_TRIPLES)]
    written = serialize(triples, format=fmt.rdf_format)  # type: ignore[attr-defined]
    assert [quad.triple for quad in parse(written, format=fmt.rdf_format)] == triples  # type: ignore[attr-defined]


def test_the_cli_offers_the_registry_formats() -> None:
    help_text = CliRunner().invoke(main, ["sparql", "--help"]).output
    for fmt in (*of_kind(Kind.RESULTS), *of_kind(Kind.GRAPH)):
        assert fmt.name in help_text
