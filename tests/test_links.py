"""External identifiers come only from the verified list, each with its evidence, and links.ttl does not drift."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic

from clusterkg.dataset import identifiers as links

ROOT = Path(__file__).resolve().parents[1]
SHARED_LIST = ROOT.parent / "shared" / "links" / "verified-identifiers.csv"
CKG = Namespace("https://w3id.org/clusterkg/ont#")
WD = Namespace("http://www.wikidata.org/entity/")
CKP = Namespace("https://w3id.org/clusterkg/id/place/")


def verified() -> list[links.Verified]:
    return links.read_verified(ROOT / links.VERIFIED_CSV)


def all_links() -> list[links.Link]:
    return links.read_links(ROOT / links.VERIFIED_CSV, ROOT / links.ENTITY_MAP_CSV)


def whole_graph() -> Graph:
    graph = Graph()
    for path in sorted([*(ROOT / "data" / "ttl").glob("**/*.ttl"), *(ROOT / "ontology").glob("*.ttl")]):
        graph.parse(path, format="turtle")
    return graph


def test_the_committed_links_file_is_what_the_lists_generate() -> None:
    committed = (ROOT / links.LINKS_TTL).read_text(encoding="utf-8")
    generated = links.generate(ROOT)
    assert committed == generated, "data/ttl/links.ttl drifted: run `clusterkg links generate`"
    assert isomorphic(Graph().parse(data=committed, format="turtle"), links.links_graph(all_links()))


@pytest.mark.skipif(not SHARED_LIST.exists(), reason="the shared list is not beside this checkout")
def test_the_repository_copy_is_the_shared_verified_list() -> None:
    assert (ROOT / links.VERIFIED_CSV).read_bytes() == SHARED_LIST.read_bytes()


def test_no_external_identifier_in_the_graph_is_unverified() -> None:
    assert links.unverified(whole_graph(), verified()) == []


def test_every_verified_row_is_linked_or_says_why_not() -> None:
    linked = {(k.verified.entity_en, k.verified.scheme) for k in all_links()}
    unlinked = {(v.entity_en, v.scheme) for v in verified()} - linked
    assert unlinked == {
        ("Dresden (NUTS 2 region)", "nuts2006"),  # the region around the city, which the graph does not describe
        ("California", "wikidata"),  # not named in the source
        ("California", "iso3166-2"),
    }


def test_every_link_record_carries_its_evidence() -> None:
    graph = links.links_graph(all_links())
    records = set(graph.subjects(RDF.type, CKG.ExternalLink))
    assert len(records) == len(all_links())
    for record in records:
        for prop in (CKG.linkedResource, CKG.scheme, CKG.identifierValue, CKG.verificationEvidence):
            assert graph.value(record, prop) is not None, (record, prop)
        assert {lbl.language for lbl in graph.objects(record, RDFS.label)} == {"en", "ja"}


def test_every_linked_resource_is_described_by_the_data() -> None:
    data = Graph()
    for path in sorted((ROOT / "data" / "ttl").glob("*.ttl")):
        if path.name != links.LINKS_TTL.name:
            data.parse(path, format="turtle")
    missing = sorted({str(k.resource) for k in all_links() if (k.resource, RDF.type, None) not in data})
    assert not missing, f"entity-map.csv names resources the data does not type: {missing}"


def test_places_that_only_overlap_are_not_declared_the_same() -> None:
    graph = links.links_graph(all_links())
    tokyo_geonames = URIRef("https://sws.geonames.org/1850147/")
    assert (CKP.tokyo, SKOS.narrowMatch, tokyo_geonames) in graph  # the city inside 東京都
    assert (CKP.tokyo, SKOS.exactMatch, tokyo_geonames) not in graph
    assert (CKP.dresden, CKG.nuts2006Code, Literal("DED21")) in graph
    assert Literal("DED2") not in set(graph.objects(None, CKG.nuts2006Code))
    clusters = [s for s in graph.subjects() if "/id/agglomeration/" in str(s)]
    assert clusters == [], "the cluster Silicon Valley is not the region DBpedia describes"


@pytest.mark.parametrize(
    "triple",
    [
        (CKP.berlin, OWL.sameAs, WD.Q99999),
        (CKP.berlin, SKOS.exactMatch, URIRef("http://example.org/somewhere")),
        (CKP.berlin, CKG.nuts2006Code, Literal("DE30")),
        (CKP.tokyo, CKG.jpLocalGovernmentCode, Literal("131016")),
        (CKP.berlin, OWL.sameAs, URIRef("https://www.wikidata.org/wiki/Q64")),
    ],
)
def test_an_unverified_identifier_is_caught(triple: tuple[URIRef, URIRef, URIRef | Literal]) -> None:
    graph = links.links_graph(all_links())
    graph.add(triple)
    assert links.unverified(graph, verified()) != []


def test_a_mapping_with_a_predicate_that_does_not_fit_its_scheme_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "map.csv"
    bad.write_text(
        "entity_en,scheme,iri,predicate,comment\nBerlin,nuts2006,https://w3id.org/clusterkg/id/place/berlin,owl:sameAs,x\n",
        encoding="utf-8",
    )
    with pytest.raises(links.LinkError, match="does not fit"):
        links.read_links(ROOT / links.VERIFIED_CSV, bad)
