"""The dataset description (VoID and DCAT), computed from the live store.

Counted by SPARQL over the store itself, so the numbers are those of the data being served: triples
(quads in all named graphs), distinct subjects and objects, entities (typed resources under
``https://w3id.org/clusterkg/id/``), a partition per class and per property, a subset per named graph,
the vocabularies used (namespaces of the predicates and classes) and a linkset per external target.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rdflib import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, VOID, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from .. import __version__
from ..linkeddata.describe import select
from ..namespaces import DATASET, ID
from ..namespaces import SD as SD_NS
from ..store import Store
from .identifiers import SCHEMES

SD = Namespace(SD_NS)
DS = Namespace(DATASET + "#")
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
MEDIA = "https://www.iana.org/assignments/media-types/"
LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch, SKOS.broadMatch, SKOS.relatedMatch)
#: What the description states whatever the store holds (titles, licence, publisher, languages...).
STATIC_DESCRIPTION = Path(__file__).with_name("description.ttl")

Q_TOTALS = """SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects)
WHERE { GRAPH ?g { ?s ?p ?o } }"""
Q_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
Q_PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p"
Q_CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c"
Q_ENTITIES = f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  GRAPH ?g {{ ?s a ?c }} FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}"))
}}"""
# Links grouped by predicate and the namespace of their object (the IRI up to its last / or #).
Q_LINKS = (
    "SELECT ?p ?ns (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    f"VALUES ?p {{ {' '.join(p.n3() for p in LINK_PREDICATES)} }} "
    'FILTER(isIRI(?o) && !STRSTARTS(STR(?o), "https://w3id.org/clusterkg/")) '
    'BIND(REPLACE(STR(?o), "[^/#]*/?$", "") AS ?ns) } GROUP BY ?p ?ns'
)


@dataclass
class Statistics:
    """What the store holds, as counted by the queries above."""

    triples: int = 0
    subjects: int = 0
    objects: int = 0
    entities: int = 0
    graphs: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    linksets: dict[tuple[str, str], int] = field(default_factory=dict)  # (target, predicate) -> links


async def statistics(store: Store) -> Statistics:
    totals = (await select(store, Q_TOTALS))[0]
    stats = Statistics(number(totals, "triples"), number(totals, "subjects"), number(totals, "objects"))
    stats.entities = number((await select(store, Q_ENTITIES))[0], "n")
    stats.graphs = {str(r["g"]): number(r, "n") for r in await select(store, Q_GRAPHS)}
    stats.properties = {str(r["p"]): number(r, "n") for r in await select(store, Q_PROPERTIES)}
    stats.classes = {str(r["c"]): number(r, "n") for r in await select(store, Q_CLASSES) if isinstance(r["c"], URIRef)}
    links: Counter[tuple[str, str]] = Counter()
    for row in await select(store, Q_LINKS):
        links[(target_of(str(row["ns"])), str(row["p"]))] += number(row, "n")
    stats.linksets = dict(links)
    return stats


def number(row: dict[str, Node], name: str) -> int:
    return int(str(row[name]))


def target_of(iri: str) -> str:
    """The external dataset an IRI belongs to: a known scheme's IRI space, else the IRI's scheme and host.

    >>> target_of("http://www.wikidata.org/entity/Q64")
    'http://www.wikidata.org/entity/'
    >>> target_of("https://example.org/a/b")
    'https://example.org/'
    """
    for scheme in SCHEMES.values():
        if scheme.iri_prefix and iri.startswith(scheme.iri_prefix):
            return scheme.iri_prefix
    match = re.match(r"^[a-z][a-z0-9+.-]*://[^/#?]*/?", iri, re.IGNORECASE)
    return match.group(0) if match else iri


def namespace_of(iri: str) -> str:
    """The vocabulary an IRI belongs to: everything up to its last ``#`` or ``/``.

    >>> namespace_of("https://w3id.org/clusterkg/ont#Cluster")
    'https://w3id.org/clusterkg/ont#'
    """
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


# --- the description -------------------------------------------------------------------------------


def description(stats: Statistics, base_url: str) -> Graph:
    """The VoID + DCAT description; ``base_url`` is where this service answers (no trailing slash)."""
    graph = Graph()
    for prefix, namespace in (("void", VOID), ("dcat", DCAT), ("dcterms", DCTERMS), ("sd", SD), ("foaf", FOAF)):
        graph.bind(prefix, namespace)
    graph.bind("ckds", DS)
    dataset = URIRef(DATASET)
    _dataset(graph, dataset, stats)
    _distributions(graph, dataset, base_url)
    _partitions(graph, dataset, stats)
    _linksets(graph, dataset, stats)
    return graph


def _dataset(graph: Graph, dataset: URIRef, stats: Statistics) -> None:
    """What holds whatever the store holds (``description.ttl``), then what is counted from it."""
    graph.parse(STATIC_DESCRIPTION, format="turtle")
    add = graph.add
    add((dataset, DCTERMS.modified, Literal(datetime.now(UTC).date().isoformat(), datatype=XSD.date)))
    add((dataset, OWL.versionInfo, Literal(__version__)))
    add((dataset, VOID.triples, Literal(stats.triples)))
    add((dataset, VOID.entities, Literal(stats.entities)))
    add((dataset, VOID.distinctSubjects, Literal(stats.subjects)))
    add((dataset, VOID.distinctObjects, Literal(stats.objects)))
    add((dataset, VOID.properties, Literal(len(stats.properties))))
    add((dataset, VOID.classes, Literal(len(stats.classes))))
    used = {namespace_of(iri) for iri in [*stats.properties, *stats.classes]}
    for vocabulary in sorted(used):
        add((dataset, VOID.vocabulary, URIRef(vocabulary)))


def _distributions(graph: Graph, dataset: URIRef, base_url: str) -> None:
    add = graph.add
    endpoint = URIRef(f"{base_url}/sparql")
    add((dataset, VOID.sparqlEndpoint, endpoint))
    add((dataset, VOID.uriLookupEndpoint, Literal(f"{base_url}/id/")))
    service = DS["sparql-service"]
    add((service, RDF.type, DCAT.DataService))
    add((service, DCTERMS.title, Literal("ClusterKG SPARQL 1.1 endpoint", lang="en")))
    add((service, DCAT.endpointURL, endpoint))
    add((service, DCAT.servesDataset, dataset))
    add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    add((service, DCTERMS.license, LICENCE))
    add((dataset, DCAT.distribution, DS["sparql"]))
    _distribution(graph, DS["sparql"], "SPARQL endpoint", access=endpoint, media="application/sparql-results+json")
    add((DS["sparql"], DCAT.accessService, service))
    for name, path, media, title in (
        ("nquads", "dump.nq", "application/n-quads", "Full dump, N-Quads (one named graph per source file)"),
        ("turtle", "dump.ttl", "text/turtle", "Full dump, Turtle (all graphs merged)"),
    ):
        url = URIRef(f"{base_url}/{path}")
        add((dataset, VOID.dataDump, url))
        add((dataset, DCAT.distribution, DS[name]))
        _distribution(graph, DS[name], title, access=url, download=url, media=media)
    feature = {"nquads": "N-Quads", "turtle": "Turtle"}
    for name in feature.values():
        add((dataset, VOID.feature, URIRef(f"http://www.w3.org/ns/formats/{name}")))


def _distribution(
    graph: Graph, node: URIRef, title: str, *, access: URIRef, media: str, download: URIRef | None = None
) -> None:
    graph.add((node, RDF.type, DCAT.Distribution))
    graph.add((node, DCTERMS.title, Literal(title, lang="en")))
    graph.add((node, DCAT.accessURL, access))
    if download is not None:
        graph.add((node, DCAT.downloadURL, download))
    graph.add((node, DCAT.mediaType, URIRef(MEDIA + media)))
    graph.add((node, DCTERMS.license, LICENCE))


def _partitions(graph: Graph, dataset: URIRef, stats: Statistics) -> None:
    for iri, count in sorted(stats.classes.items()):
        part = BNode()
        graph.add((dataset, VOID.classPartition, part))
        graph.add((part, VOID["class"], URIRef(iri)))
        graph.add((part, VOID.entities, Literal(count)))
    for iri, count in sorted(stats.properties.items()):
        part = BNode()
        graph.add((dataset, VOID.propertyPartition, part))
        graph.add((part, VOID.property, URIRef(iri)))
        graph.add((part, VOID.triples, Literal(count)))
    for iri, count in sorted(stats.graphs.items()):
        subset = BNode()
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, RDF.type, SD.NamedGraph))
        graph.add((subset, SD.name, URIRef(iri)))
        graph.add((subset, VOID.triples, Literal(count)))


def _linksets(graph: Graph, dataset: URIRef, stats: Statistics) -> None:
    names = {s.iri_prefix: s for s in SCHEMES.values() if s.iri_prefix}
    for (target, predicate), count in sorted(stats.linksets.items()):
        scheme = names.get(target)
        key = (scheme.name if scheme else re.sub(r"[^a-z0-9]+", "-", target.lower()).strip("-")) + "-"
        linkset = DS["linkset-" + key + re.sub(r"[^a-zA-Z0-9]+", "-", _local(predicate))]
        other = DS["target-" + key.rstrip("-")]
        graph.add((dataset, VOID.subset, linkset))
        graph.add((linkset, RDF.type, VOID.Linkset))
        graph.add((linkset, VOID.subjectsTarget, dataset))
        graph.add((linkset, VOID.objectsTarget, other))
        graph.add((linkset, VOID.linkPredicate, URIRef(predicate)))
        graph.add((linkset, VOID.triples, Literal(count)))
        graph.add((other, RDF.type, VOID.Dataset))
        graph.add((other, VOID.uriSpace, Literal(target)))
        graph.add((other, RDFS.label, Literal(scheme.label if scheme else target, lang="en")))


def _local(iri: str) -> str:
    return iri[len(namespace_of(iri)) :]


class DescriptionCache:
    """The last description, kept while the store's data version and the base URL stay the same."""

    def __init__(self) -> None:
        self._key: tuple[object, str] | None = None
        self._graph: Graph | None = None

    async def get(self, store: Store, base_url: str) -> Graph:
        version = getattr(store, "data_version", None)
        key = (version, base_url)
        if self._graph is None or version is None or key != self._key:
            self._graph = description(await statistics(store), base_url)
            self._key = key
        return self._graph
