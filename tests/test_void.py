"""The dataset description (VoID + DCAT) is complete and its counts are the store's; dumps stream the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode, Quad, RdfFormat, parse
from pyshacl import validate
from rdflib import DCAT, DCTERMS, OWL, RDF, VOID, Graph, Literal, Namespace, URIRef

from clusterkg.app import create_app
from clusterkg.config import Settings
from clusterkg.store.embedded import EmbeddedStore

SHAPES = Path(__file__).resolve().parent / "shapes" / "dcat-ap-dataset.ttl"
DATASET = URIRef("https://w3id.org/clusterkg/dataset")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CKG = Namespace("https://w3id.org/clusterkg/ont#")
ID = "https://w3id.org/clusterkg/id/"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("void") / "data", query_workers=1)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def described(client: TestClient, path: str = "/.well-known/void") -> Graph:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    return Graph().parse(data=response.text, format="turtle")


def count(client: TestClient, query: str) -> int:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def number(graph: Graph, subject: object, prop: URIRef) -> int:
    value = graph.value(subject, prop)  # type: ignore[arg-type]
    assert isinstance(value, Literal), (subject, prop)
    return int(value)


def test_both_addresses_give_the_same_description(client: TestClient) -> None:
    assert len(described(client, "/.well-known/void")) == len(described(client, "/dataset"))


def test_the_description_meets_the_dcat_ap_style_shapes(client: TestClient) -> None:
    conforms, _, report = validate(described(client), shacl_graph=Graph().parse(SHAPES), inference="none")
    assert conforms, report


def test_title_description_licence_distributions_endpoint(client: TestClient) -> None:
    graph = described(client)
    assert {t.language for t in graph.objects(DATASET, DCTERMS.title)} == {"en", "ja"}  # type: ignore[attr-defined]
    assert graph.value(DATASET, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    base = "http://testserver"
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef(base + "/sparql")
    assert set(graph.objects(DATASET, VOID.dataDump)) == {URIRef(base + "/dump.nq"), URIRef(base + "/dump.ttl")}
    downloads = {graph.value(d, DCAT.downloadURL) for d in graph.objects(DATASET, DCAT.distribution)}
    assert {URIRef(base + "/dump.nq"), URIRef(base + "/dump.ttl")} <= downloads
    services = set(graph.subjects(DCAT.servesDataset, DATASET))
    assert {graph.value(s, DCAT.endpointURL) for s in services} == {URIRef(base + "/sparql")}
    assert URIRef("https://w3id.org/clusterkg/ont#") in set(graph.objects(DATASET, VOID.vocabulary))


def test_the_counts_are_those_of_the_store(client: TestClient) -> None:
    graph = described(client)
    assert number(graph, DATASET, VOID.triples) == count(
        client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert number(graph, DATASET, VOID.distinctSubjects) == count(
        client, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert number(graph, DATASET, VOID.entities) == count(
        client, f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), "{ID}")) }}'
    )
    tama = "https://w3id.org/clusterkg/graph/data/tama"
    subsets = {graph.value(s, SD.name): s for s in graph.objects(DATASET, VOID.subset)}
    assert number(graph, subsets[URIRef(tama)], VOID.triples) == count(
        client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{tama}> {{ ?s ?p ?o }} }}"
    )
    clusters = next(
        p for p in graph.objects(DATASET, VOID.classPartition) if graph.value(p, VOID["class"]) == CKG.Cluster
    )
    assert number(graph, clusters, VOID.entities) == count(
        client, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{CKG.Cluster}> }}"
    )


def test_one_linkset_per_external_target_and_predicate(client: TestClient) -> None:
    graph = described(client)
    linksets = {
        (str(graph.value(graph.value(ls, VOID.objectsTarget), VOID.uriSpace)), graph.value(ls, VOID.linkPredicate)): ls
        for ls in graph.subjects(RDF.type, VOID.Linkset)
    }
    wikidata = linksets[("http://www.wikidata.org/entity/", OWL.sameAs)]
    assert number(graph, wikidata, VOID.triples) == count(
        client,
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <http://www.w3.org/2002/07/owl#sameAs> ?o } "
        'FILTER(STRSTARTS(STR(?o), "http://www.wikidata.org/entity/")) }',
    )
    assert {target for target, _ in linksets} >= {
        "http://www.wikidata.org/entity/",
        "https://sws.geonames.org/",
        "https://ror.org/",
        "http://dbpedia.org/resource/",
    }


def test_a_write_changes_the_counts(client: TestClient) -> None:
    before = number(described(client), DATASET, VOID.triples)
    store = client.app.state.store  # type: ignore[attr-defined]
    assert isinstance(store, EmbeddedStore)
    graph = NamedNode("https://w3id.org/clusterkg/graph/import/void-test")
    with store.writing() as ox:
        ox.add(
            Quad(
                NamedNode("http://example.org/a"),
                NamedNode("http://example.org/p"),
                NamedNode("http://example.org/b"),
                graph,
            )
        )
    try:
        assert number(described(client), DATASET, VOID.triples) == before + 1
    finally:
        with store.writing() as ox:
            ox.remove_graph(graph)
    assert number(described(client), DATASET, VOID.triples) == before


def test_json_ld_and_other_formats_by_accept(client: TestClient) -> None:
    response = client.get("/dataset", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    assert (DATASET, RDF.type, DCAT.Dataset) in Graph().parse(data=response.text, format="json-ld")
    response = client.get("/dataset?format=rdfxml")
    assert (DATASET, RDF.type, VOID.Dataset) in Graph().parse(data=response.text, format="xml")


def test_the_n_quads_dump_is_the_whole_store(client: TestClient) -> None:
    response = client.get("/dump.nq")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/n-quads")
    quads = list(parse(response.content, format=RdfFormat.N_QUADS))
    assert len(quads) == number(described(client), DATASET, VOID.triples)
    assert {q.graph_name.value for q in quads} >= {"https://w3id.org/clusterkg/graph/data/tama"}  # type: ignore[union-attr]


def test_the_turtle_dump_merges_the_graphs(client: TestClient) -> None:
    response = client.get("/dump.ttl")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) == count(client, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")


def test_a_named_graph_iri_dereferences_to_its_triples(client: TestClient) -> None:
    tama = "https://w3id.org/clusterkg/graph/data/tama"
    response = client.get("/graph/data/tama", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert len(Graph().parse(data=response.text, format="nt")) == count(
        client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{tama}> {{ ?s ?p ?o }} }}"
    )
    assert client.get("/graph/data/no-such-file").status_code == 404
