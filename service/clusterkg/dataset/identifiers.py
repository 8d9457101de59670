"""External identifiers: the verified list, the entity map, and the links graph generated from them.

`data/links/verified-identifiers.csv` is the only list of external identifiers the graph may carry.
`data/links/entity-map.csv` says, for each of its rows, which resource of ours it identifies and with
which predicate (or `none`, with the reason it is left unlinked). `data/ttl/links.ttl` is generated
from the two and committed; `clusterkg links generate` rewrites it.

>>> SCHEMES["wikidata"].object_term("Q64")
rdflib.term.URIRef('http://www.wikidata.org/entity/Q64')
>>> SCHEMES["nuts2006"].object_term("DE3")
rdflib.term.Literal('DE3')
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ..namespaces import DBPEDIA, GEONAMES, ID, ONT, ROR, WIKIDATA, prefixes
from ..namespaces import LINK as LINK_NS

CKG = Namespace(ONT)
LINK = Namespace(LINK_NS)
VERIFIED_CSV = Path("data/links/verified-identifiers.csv")
ENTITY_MAP_CSV = Path("data/links/entity-map.csv")
LINKS_TTL = Path("data/ttl/links.ttl")

PREDICATES = {
    "owl:sameAs": OWL.sameAs,
    "skos:exactMatch": SKOS.exactMatch,
    "skos:closeMatch": SKOS.closeMatch,
    "skos:narrowMatch": SKOS.narrowMatch,
    "skos:broadMatch": SKOS.broadMatch,
    "skos:relatedMatch": SKOS.relatedMatch,
    "ckg:nuts2006Code": CKG.nuts2006Code,
    "ckg:iso3166CountryCode": CKG.iso3166CountryCode,
    "ckg:iso3166SubdivisionCode": CKG.iso3166SubdivisionCode,
    "ckg:jpLocalGovernmentCode": CKG.jpLocalGovernmentCode,
}
MATCHES = ("skos:exactMatch", "skos:closeMatch", "skos:narrowMatch", "skos:broadMatch", "skos:relatedMatch")
NONE = "none"


class LinkError(ValueError):
    """The verified list and the entity map do not fit together."""


@dataclass(frozen=True)
class Scheme:
    """An external identifier scheme: how its identifiers become RDF terms and which predicates fit."""

    name: str
    label: str
    iri_prefix: str | None  # None: the identifiers are codes, given as literals
    predicates: tuple[str, ...]
    curie_prefix: str

    def object_term(self, identifier: str) -> URIRef | Literal:
        if self.iri_prefix is None:
            return Literal(identifier)
        if identifier.startswith(self.iri_prefix):
            return URIRef(identifier)
        return URIRef(self.iri_prefix + identifier)

    def identifier_of(self, term: Node) -> str | None:
        """The identifier an IRI of this scheme carries (None for another IRI)."""
        if self.iri_prefix is None or not str(term).startswith(self.iri_prefix):
            return None
        if self.name == "dbpedia":
            return str(term)
        return str(term)[len(self.iri_prefix) :].rstrip("/")


SCHEMES: dict[str, Scheme] = {
    s.name: s
    for s in (
        Scheme("wikidata", "Wikidata", WIKIDATA, ("owl:sameAs",), "wd"),
        Scheme("dbpedia", "DBpedia", DBPEDIA, ("owl:sameAs",), "dbpedia"),
        Scheme("geonames", "GeoNames", GEONAMES, MATCHES, "geonames"),
        Scheme("ror", "ROR", ROR, MATCHES, "ror"),
        Scheme("nuts2006", "NUTS 2006", None, ("ckg:nuts2006Code",), "nuts2006"),
        Scheme("iso3166-1", "ISO 3166-1", None, ("ckg:iso3166CountryCode",), "iso3166-1"),
        Scheme("iso3166-2", "ISO 3166-2", None, ("ckg:iso3166SubdivisionCode",), "iso3166-2"),
        Scheme("jp-lg-code", "Japanese local government code", None, ("ckg:jpLocalGovernmentCode",), "jplg"),
    )
}
# GeoNames features have the form https://sws.geonames.org/<id>/ (trailing slash).
GEONAMES_SUFFIX = "/"
CODE_PROPERTIES: dict[Node, Scheme] = {PREDICATES[s.predicates[0]]: s for s in SCHEMES.values() if s.iri_prefix is None}


@dataclass(frozen=True)
class Verified:
    """One row of the verified list."""

    entity_en: str
    entity_ja: str
    scheme: str
    identifier: str
    evidence: str


@dataclass(frozen=True)
class Link:
    """A verified identifier, the resource it identifies and the predicate that says so."""

    verified: Verified
    resource: URIRef
    predicate: str
    comment: str

    @property
    def scheme(self) -> Scheme:
        return SCHEMES[self.verified.scheme]

    @property
    def object(self) -> URIRef | Literal:
        term = self.scheme.object_term(self.verified.identifier)
        if self.verified.scheme == "geonames":
            return URIRef(str(term) + GEONAMES_SUFFIX)
        return term

    @property
    def record(self) -> URIRef:
        """The IRI of the link record: `id/link/<kind>-<name>-<scheme>-<identifier>`."""
        local = str(self.resource)[len(ID) :].replace("/", "-")
        ident = self.verified.identifier.rsplit("/", 1)[-1]
        return LINK[slug(f"{local}-{self.verified.scheme}-{ident}")]


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens.

    >>> slug("place-dbpedia-Silicon_Valley")
    'place-dbpedia-silicon-valley'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_verified(path: Path) -> list[Verified]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Verified(**{k: v.strip() for k, v in row.items()}) for row in csv.DictReader(f)]


def read_links(verified_csv: Path, entity_map_csv: Path) -> list[Link]:
    """Join the verified list with the entity map; every verified row must be mapped (or say why not)."""
    verified = {(v.entity_en, v.scheme): v for v in read_verified(verified_csv)}
    links, seen = [], set()
    with entity_map_csv.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            key = (row["entity_en"], row["scheme"])
            if key not in verified:
                raise LinkError(f"entity map row {key} is not in the verified list")
            if key in seen:
                raise LinkError(f"entity map row {key} is given twice")
            seen.add(key)
            links.extend(_link(verified[key], row))
    if missing := sorted(set(verified) - seen):
        raise LinkError(f"verified rows without an entity map row: {missing}")
    return links


def _link(verified: Verified, row: dict[str, str]) -> list[Link]:
    predicate, iri, comment = row["predicate"], row["iri"].strip(), row["comment"].strip()
    if predicate == NONE:
        if iri:
            raise LinkError(f"{verified.entity_en}/{verified.scheme}: predicate none but an IRI is given")
        if not comment:
            raise LinkError(f"{verified.entity_en}/{verified.scheme}: say why it is left unlinked")
        return []
    if predicate not in SCHEMES[verified.scheme].predicates:
        raise LinkError(f"{verified.entity_en}: {predicate} does not fit the scheme {verified.scheme}")
    if not iri.startswith(ID):
        raise LinkError(f"{verified.entity_en}: {iri!r} is not a resource of this graph")
    return [Link(verified, URIRef(iri), predicate, comment)]


def link_triples(link: Link) -> Iterator[tuple[Node, Node, Node]]:
    """The link itself and its record (scheme, identifier, evidence, labels)."""
    v, record = link.verified, link.record
    yield link.resource, PREDICATES[link.predicate], link.object
    yield record, RDF.type, CKG.ExternalLink
    yield record, RDFS.label, Literal(f"{v.entity_en}: {link.scheme.label} {v.identifier}", lang="en")
    yield record, RDFS.label, Literal(f"{v.entity_ja}：{link.scheme.label} {v.identifier}", lang="ja")
    yield record, CKG.linkedResource, link.resource
    yield record, CKG.scheme, Literal(v.scheme)
    yield record, CKG.identifierValue, Literal(v.identifier)
    yield record, CKG.verificationEvidence, Literal(v.evidence, lang="en")
    yield record, RDFS.comment, Literal(f"{link.predicate}: {link.comment}", lang="en")


def links_graph(links: Iterable[Link]) -> Graph:
    graph = Graph()
    for triple in (t for link in links for t in link_triples(link)):
        graph.add(triple)
    return graph


HEADER = """\
# External identifiers of places and organisations of this graph.
# GENERATED from data/links/verified-identifiers.csv (the only identifiers allowed) and
# data/links/entity-map.csv by `clusterkg links generate`: edit those files, not this one.
# NUTS codes are codes of the NUTS 2006 classification (ckg:nuts2006Code).
# See docs/linking.md for the choice of predicate per scheme.
"""
TURTLE_PREFIXES = prefixes("ckg", "cko", "ckp", "cklink", "owl", "rdfs", "skos", "wd", "dbr")
LOCAL_NAME = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def turtle_term(term: Node) -> str:
    """A term as Turtle, abbreviated with the prefixes of links.ttl where the local name allows.

    >>> turtle_term(URIRef("https://w3id.org/clusterkg/id/place/berlin"))
    'ckp:berlin'
    >>> turtle_term(URIRef("https://sws.geonames.org/2950159/"))
    '<https://sws.geonames.org/2950159/>'
    """
    if term == RDF.type:
        return "a"
    if isinstance(term, URIRef):
        for prefix, namespace in TURTLE_PREFIXES.items():
            local = str(term)[len(namespace) :]
            if str(term).startswith(namespace) and LOCAL_NAME.match(local):
                return f"{prefix}:{local}"
    return term.n3()


def links_turtle(links: Iterable[Link]) -> str:
    """Deterministic Turtle: the links grouped by resource, then one block per link record."""
    links = sorted(links, key=lambda k: (str(k.resource), k.verified.scheme, k.verified.identifier))
    prefixes = "".join(f"@prefix {p}: <{n}> .\n" for p, n in TURTLE_PREFIXES.items())
    blocks = [HEADER + "\n" + prefixes]
    for resource in sorted({k.resource for k in links}):
        own = [k for k in links if k.resource == resource]
        blocks.append(_block(resource, [(PREDICATES[k.predicate], k.object) for k in own]))
    for link in links:
        triples = [(p, o) for s, p, o in link_triples(link) if s == link.record]
        blocks.append(_block(link.record, triples))
    return "\n".join(blocks)


def _block(subject: Node, pairs: list[tuple[Node, Node]]) -> str:
    body = " ;\n    ".join(f"{turtle_term(p)} {turtle_term(o)}" for p, o in pairs)
    return f"{turtle_term(subject)}\n    {body} .\n"


def generate(root: Path) -> str:
    """The Turtle of links.ttl, from the CSV files under `root`."""
    return links_turtle(read_links(root / VERIFIED_CSV, root / ENTITY_MAP_CSV))


def write(root: Path) -> Path:
    target = root / LINKS_TTL
    target.write_text(generate(root), encoding="utf-8")
    return target


# --- finding external identifiers anywhere in a graph ---------------------------------------------

MAPPING_PREDICATES = {OWL.sameAs, SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch, SKOS.broadMatch}
MAPPING_PREDICATES |= {SKOS.relatedMatch}
EXTERNAL_HOSTS = re.compile(r"^https?://([a-z]+\.)*(wikidata\.org|dbpedia\.org|geonames\.org|ror\.org)/")


def external_identifiers(graph: Graph) -> set[tuple[str, str]]:
    """(scheme, identifier) of every external identifier in the graph.

    Looked for: any IRI of a known scheme in any position, any object of owl:sameAs or a SKOS
    mapping property, the code properties, and the identifier values of link records.
    """
    found: set[tuple[str, str]] = set()
    for s, p, o in graph:
        for term in (s, o):
            if isinstance(term, URIRef):
                found |= set(_scheme_ids(term))
                if not _scheme_ids(term) and EXTERNAL_HOSTS.search(str(term)):
                    found.add(("unknown", str(term)))
        if p in MAPPING_PREDICATES and isinstance(o, URIRef) and not str(o).startswith(ID):
            if not _scheme_ids(o):
                found.add(("unknown", str(o)))
        if p in CODE_PROPERTIES:
            found.add((CODE_PROPERTIES[p].name, str(o)))
    for record in graph.subjects(RDF.type, CKG.ExternalLink):
        for scheme in graph.objects(record, CKG.scheme):
            found |= {(str(scheme), str(v)) for v in graph.objects(record, CKG.identifierValue)}
    return found


def _scheme_ids(term: URIRef) -> list[tuple[str, str]]:
    hits = []
    for scheme in SCHEMES.values():
        ident = scheme.identifier_of(term)
        if ident is not None:
            hits.append((scheme.name, ident))
    return hits


def unverified(graph: Graph, verified: Iterable[Verified]) -> list[tuple[str, str]]:
    """External identifiers in the graph that the verified list does not hold."""
    allowed = {(v.scheme, v.identifier) for v in verified}
    return sorted(external_identifiers(graph) - allowed)
