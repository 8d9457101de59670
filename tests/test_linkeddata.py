"""Every resource IRI of the graph dereferences on the service: HTML for people, RDF by content negotiation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef

from clusterkg.app import create_app
from clusterkg.config import Settings
from clusterkg.linkeddata.iris import iri_for, path_for

ROOT = Path(__file__).resolve().parents[1]
CKG = Namespace("https://w3id.org/clusterkg/ont#")
OA = Namespace("http://www.w3.org/ns/oa#")
TAMA = "https://w3id.org/clusterkg/id/org/tama-association"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("ld") / "data", query_workers=1)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def data_graph() -> Graph:
    graph = Graph()
    for path in sorted([*(ROOT / "data" / "ttl").glob("**/*.ttl"), *(ROOT / "ontology").glob("*.ttl")]):
        graph.parse(path, format="turtle")
    return graph


def our_iris() -> list[str]:
    graph = data_graph()
    terms = {t for triple in graph for t in triple if isinstance(t, URIRef)}
    return sorted(
        str(t)
        for t in terms
        if str(t).startswith(("https://w3id.org/clusterkg/id/", "https://w3id.org/clusterkg/concept/"))
    )


def test_iri_and_path_map_both_ways() -> None:
    for iri in our_iris():
        path = path_for(iri)
        assert path is not None and iri_for(path) == iri


def test_every_resource_iri_resolves_to_rdf_about_it(client: TestClient) -> None:
    unresolved = []
    for iri in our_iris():
        response = client.get(path_for(iri) or "", headers={"Accept": "application/n-triples"})
        if response.status_code != 200 or f"<{iri}>" not in response.text:
            unresolved.append((iri, response.status_code))
    assert unresolved == []


def test_a_browser_gets_the_html_page_with_labels_and_provenance(client: TestClient) -> None:
    response = client.get("/id/org/tama-association", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["vary"] == "Accept"
    assert response.headers["content-location"] == "/id/org/tama-association.html"
    html = response.text
    assert '<span class="label" lang="ja">TAMA協会</span>' in html
    assert '<span class="label" lang="en">TAMA Association</span>' in html
    quote = "この TAMA 協会の活動が、産業クラスター計画のひとつのモデル事例になっている"
    assert f'<blockquote lang="ja">{quote}</blockquote>' in html
    assert 'href="/id/doc/chapter-2-3/lecture-09"' in html  # the passage of the quote, on this service
    assert len(re.findall(r'<a class="node" href="/id/', html)) >= 3  # the network picture


def test_external_links_are_plain_links_and_identifiers_show_their_evidence(client: TestClient) -> None:
    html = client.get("/id/place/berlin", headers={"Accept": "text/html"}).text
    assert 'href="http://www.wikidata.org/entity/Q64"' in html
    assert "curated seed list checked against Wikidata labels" in html
    assert "DE3" in html


@pytest.mark.parametrize(("media_type", "parser"), sorted(RDF_TYPES.items()))
def test_rdf_by_accept_header(client: TestClient, media_type: str, parser: str) -> None:
    response = client.get("/id/org/tama-association", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["vary"] == "Accept"
    assert 'rel="alternate"' in response.headers["link"]
    graph = Graph().parse(data=response.text, format=parser)
    tama = URIRef(TAMA)
    assert (tama, RDFS.label, Literal("TAMA協会", lang="ja")) in graph
    quotes = [graph.value(e, OA.exact) for e in graph.objects(tama, CKG.evidence)]
    assert quotes and all(q is not None for q in quotes), "the evidence nodes come with the description"
    partner = URIRef("https://w3id.org/clusterkg/id/org/tama-fund")
    assert graph.value(partner, RDFS.label) is not None, "labels of the linked resources come too"


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/id/org/tama-association.ttl", "text/turtle"),
        ("/id/org/tama-association.jsonld", "application/ld+json"),
        ("/id/org/tama-association.nt", "application/n-triples"),
        ("/id/org/tama-association.rdf", "application/rdf+xml"),
        ("/id/org/tama-association.html", "text/html"),
        ("/id/org/tama-association?format=turtle", "text/turtle"),
    ],
)
def test_one_representation_by_its_own_url(client: TestClient, path: str, media_type: str) -> None:
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)


def test_a_concept_resolves(client: TestClient) -> None:
    graph = data_graph()
    concept = next(s for s in graph.subjects(RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")))
    response = client.get(path_for(str(concept)) or "", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert (concept, RDF.type, None) in Graph().parse(data=response.text, format="turtle")


def test_an_unknown_resource_is_a_404_page_for_a_browser_and_json_for_a_client(client: TestClient) -> None:
    page = client.get("/id/org/no-such-organisation", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<code>not_found</code>" in page.text
    response = client.get("/id/org/no-such-organisation", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_an_unknown_format_is_406(client: TestClient) -> None:
    response = client.get("/id/org/tama-association", headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_a_path_that_is_no_iri_never_reaches_a_query(client: TestClient) -> None:
    injected = "/id/org/x%3E%20%3Fp%20%3Fo%20%7D%20UNION%20%7B%20SERVICE%20%3Chttp%3A%2F%2F127.0.0.1%3A9%2F%3E%20%7B%7D%20%7D%20%23"
    for path in (injected, "/graph/x%3E%20%7D", "/concept/a%22b"):
        response = client.get(path, headers={"Accept": "text/turtle"})
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"


def test_head_answers_like_get(client: TestClient) -> None:
    response = client.head("/id/org/tama-association", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert client.get("/openapi.json").status_code == 200  # HEAD routes do not duplicate operations


def test_the_ontology_and_its_terms_map_to_ont() -> None:
    assert path_for("https://w3id.org/clusterkg/ont") == "/ont"
    assert path_for("https://w3id.org/clusterkg/ont#coordinatedBy") == "/ont#coordinatedBy"
    assert path_for("https://w3id.org/clusterkg/ontology") is None
    assert path_for("https://w3id.org/clusterkg/dataset#distribution-nquads") == "/dataset#distribution-nquads"


def test_every_term_of_the_ontology_links_to_a_page_that_answers(client: TestClient) -> None:
    graph = data_graph()
    terms = {str(t) for t in graph.subjects() if str(t).startswith(str(CKG))}
    paths = {(path_for(term) or "").partition("#")[0] for term in terms}
    assert paths == {"/ont"}
    assert client.get("/ont", headers={"Accept": "text/turtle"}).status_code == 200


def figures_on_page(client: TestClient, iri: str) -> set[str]:
    """The observations the page's key-figures table links to."""
    page = client.get(path_for(iri) or iri, headers={"Accept": "text/html"}).text
    section = re.search(r'<section class="figures">(.*?)</section>', page, re.S)
    return set(re.findall(r'href="(/id/obs/[^"]+)"', section[1])) if section else set()


def test_a_place_page_and_its_agglomeration_page_show_the_figures_of_both(client: TestClient) -> None:
    graph = data_graph()
    pairs = list(graph.subject_objects(CKG.agglomerationArea))
    assert len(pairs) >= 5  # Berlin-Brandenburg, Adlershof, Dortmund, Ota, TAMA
    for agglomeration, area in pairs:
        stated = {
            path_for(str(obs))
            for side in (agglomeration, area)
            for obs in graph.subjects(CKG.subject, side)
            if (obs, CKG.value, None) in graph
        }
        for side in (agglomeration, area):
            assert stated <= figures_on_page(client, str(side)), f"figures missing on the page of {side}"


def test_a_figure_of_the_other_side_names_what_it_is_about(client: TestClient) -> None:
    page = client.get("/id/place/adlershof", headers={"Accept": "text/html"}).text
    section = re.search(r'<section class="figures">(.*?)</section>', page, re.S)
    assert section is not None
    assert 'href="/id/agglomeration/adlershof"' in section[1], "the science city's figures are named as its"
    assert "this resource" in section[1]
