"""What the HTML page of a resource shows, built from its description and context graphs.

Labels in Japanese and English, the types, every property with its values (our resources link to
their pages, external IRIs are plain links), the provenance quotes with the passage they come from,
the external identifiers with their evidence, the key figures (its own and those of the area it occupies
or the agglomeration occupying it), the resources that link here, and for clusters and
organisations the picture of their network of actors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ..namespaces import OA as OA_NS
from ..namespaces import ONT, XSD, prefixes
from .iris import path_for
from .network_svg import Actor, Tie

CKG = Namespace(ONT)
OA = Namespace(OA_NS)
HEADER_PROPERTIES = {RDF.type, RDFS.label, CKG.evidence}
WELL_KNOWN = {
    namespace: f"{name}:" for name, namespace in prefixes("rdf", "rdfs", "skos", "owl", "dcterms", "oa", "ckg").items()
}


@dataclass(frozen=True)
class Value:
    """One RDF term as shown: text (Japanese label first), a second text (English), a link, a tag."""

    text: str
    href: str | None = None
    other: str | None = None
    tag: str | None = None  # language tag or datatype of a literal
    lang: str | None = None
    external: bool = False
    nested: tuple[tuple[Value, tuple[Value, ...]], ...] = ()


@dataclass(frozen=True)
class Quote:
    text: str
    lang: str | None
    passage: Value
    location: str


@dataclass(frozen=True)
class Identifier:
    scheme: str
    value: str
    evidence: str
    note: str
    record: Value


@dataclass(frozen=True)
class Figure:
    """One figure the source states about the resource, or about the area it occupies or the agglomeration
    occupying it (``about``: that other resource; ``None`` for the resource's own figures)."""

    indicator: str
    breakdown: str
    value: str
    unit: str
    approximation: str
    period: str
    passages: str
    observation: Value
    about: Value | None = None


@dataclass
class ResourcePage:
    iri: str
    path: str
    labels: dict[str, list[str]]
    types: list[Value]
    rows: list[tuple[Value, list[Value]]]
    quotes: list[Quote]
    identifiers: list[Identifier]
    incoming: list[tuple[Value, Value]]
    alternates: list[tuple[str, str, str]] = field(default_factory=list)
    network_svg: str | None = None
    figures: list[Figure] = field(default_factory=list)

    @property
    def title(self) -> str:
        ja, en = self.labels.get("ja", []), self.labels.get("en", [])
        return " / ".join([*ja[:1], *en[:1]]) or self.iri


def curie(iri: str) -> str:
    """A short name for an IRI without a label.

    >>> curie("http://www.w3.org/2004/02/skos/core#altLabel")
    'skos:altLabel'
    """
    for namespace, prefix in WELL_KNOWN.items():
        if iri.startswith(namespace):
            return prefix + iri[len(namespace) :]
    return iri


def labels_of(graph: Graph, node: Node) -> dict[str, list[str]]:
    """rdfs:label (else skos:prefLabel) by language; '' for labels without one."""
    found: dict[str, list[str]] = {}
    for prop in (RDFS.label, SKOS.prefLabel):
        for label in sorted(graph.objects(node, prop), key=str):
            if isinstance(label, Literal):
                found.setdefault(label.language or "", []).append(str(label))
        if found:
            break
    return found


def label_pair(graph: Graph, node: Node) -> tuple[str, str | None]:
    """(Japanese label or the best other, English label if different) for a node."""
    labels = labels_of(graph, node)
    first = next(iter(labels.get("ja", []) or labels.get("en", []) or labels.get("", [])), None)
    english = next(iter(labels.get("en", [])), None)
    if first is None:
        return curie(str(node)), None
    return first, english if english != first else None


def value(graph: Graph, term: Node, depth: int = 0) -> Value:
    if isinstance(term, Literal):
        return _literal(term)
    if isinstance(term, BNode):
        return Value("", nested=_nested(graph, term, depth) if depth < 2 else ())
    iri = str(term)
    text, other = label_pair(graph, term)
    href = path_for(iri)
    return Value(text, href or iri, other, external=href is None)


def _literal(term: Literal) -> Value:
    if term.language:
        return Value(str(term), tag="@" + term.language, lang=term.language)
    datatype = str(term.datatype) if term.datatype else None
    tag = None if datatype in (None, XSD + "string") else curie(datatype).replace(XSD, "xsd:")
    return Value(str(term), tag=tag)


def _nested(graph: Graph, node: BNode, depth: int) -> tuple[tuple[Value, tuple[Value, ...]], ...]:
    rows = []
    for prop in sorted(set(graph.predicates(node)), key=str):
        objects = tuple(value(graph, o, depth + 1) for o in sorted(graph.objects(node, prop), key=str))
        rows.append((value(graph, prop), objects))
    return tuple(rows)


def property_rows(graph: Graph, subject: URIRef) -> list[tuple[Value, list[Value]]]:
    """Every property of the subject but the header ones, sorted by label, with its values."""
    rows = []
    for prop in set(graph.predicates(subject)) - HEADER_PROPERTIES:
        objects = sorted(graph.objects(subject, prop), key=lambda o: (isinstance(o, BNode), str(o)))
        rows.append((value(graph, prop), [value(graph, o) for o in objects]))
    return sorted(rows, key=lambda row: (row[0].other or row[0].text).lower())


def location(graph: Graph, passage: Node) -> str:
    """Where a passage stands in the source: section path, slide, footnote, page."""
    parts = []
    for prop, fmt in (
        (CKG.sectionPath, "{}"),
        (CKG.slideNumber, "slide {}"),
        (CKG.footnoteNumber, "footnote {}"),
        (CKG.pageNumber, "p. {}"),
    ):
        parts += [fmt.format(v) for v in graph.objects(passage, prop)]
    return ", ".join(parts)


def quotes(graph: Graph, subject: URIRef) -> list[Quote]:
    found = []
    for evidence in graph.objects(subject, CKG.evidence):
        passage = graph.value(evidence, CKG.inPassage)
        for text in graph.objects(evidence, OA.exact):
            lang = text.language if isinstance(text, Literal) else None
            shown = value(graph, passage) if passage is not None else Value("")
            found.append(Quote(str(text), lang, shown, location(graph, passage) if passage is not None else ""))
    return sorted(found, key=lambda q: (q.passage.href or "", q.text))


def identifiers(graph: Graph, subject: URIRef) -> list[Identifier]:
    found = []
    for record in graph.subjects(CKG.linkedResource, subject):
        found.append(
            Identifier(
                str(graph.value(record, CKG.scheme) or ""),
                str(graph.value(record, CKG.identifierValue) or ""),
                str(graph.value(record, CKG.verificationEvidence) or ""),
                str(graph.value(record, RDFS.comment) or ""),
                value(graph, record),
            )
        )
    return sorted(found, key=lambda i: (i.scheme, i.value))


def incoming(graph: Graph, subject: URIRef) -> list[tuple[Value, Value]]:
    pairs = [
        (value(graph, s), value(graph, p))
        for s, p in graph.subject_predicates(subject)
        if isinstance(s, URIRef) and p != CKG.linkedResource
    ]
    return sorted(pairs, key=lambda pair: (pair[1].text, pair[0].text))


def build_page(iri: str, description: Graph, context: Graph) -> ResourcePage:
    """The page of ``iri`` from its description and the page context (incoming links, passages)."""
    graph = description + context
    subject = URIRef(iri)
    types = [value(graph, t) for t in sorted(graph.objects(subject, RDF.type), key=str)]
    return ResourcePage(
        iri=iri,
        path=path_for(iri) or iri,
        labels=labels_of(graph, subject),
        types=types,
        rows=property_rows(graph, subject),
        quotes=quotes(graph, subject),
        identifiers=identifiers(graph, subject),
        incoming=incoming(graph, subject),
    )


# --- the network of actors -------------------------------------------------------------------------

NETWORK_RELATIONS = [
    "hasActor",
    "actorIn",
    "coordinatedBy",
    "hasMember",
    "memberOf",
    "subOrganisationOf",
    "foundedBy",
    "secretariatProvidedBy",
    "partnerOf",
    "businessTieUpWith",
    "subcontractorOf",
    "spinOffFrom",
    "successorOf",
    "predecessorOf",
    "fundedBy",
    "supportedBy",
    "affiliatedWith",
    "providedBy",
    "inCooperationWith",
    "offeredTo",
    "operatesFacility",
    "leadBody",
    "participant",
    "caseSupportedBy",
    "networkMember",
    "conductedBy",
]
KINDS = {
    CKG.Organisation: "organisation",
    CKG.Person: "person",
    CKG.Agglomeration: "agglomeration",
    CKG.CollaborationCase: "case",
    CKG.SupportService: "service",
}
CENTRE_KINDS = ("organisation", "agglomeration")  # resources whose page shows the network picture


def network_query(iri: str) -> str:
    """The actors tied to the resource: directly, through its networks, services and cases."""
    relations = " ".join(f"ckg:{name}" for name in NETWORK_RELATIONS)
    return f"""PREFIX ckg: <https://w3id.org/clusterkg/ont#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?rel ?dir ?other WHERE {{
  VALUES ?r {{ <{iri}> }}
  {{ VALUES ?rel {{ {relations} }}
     {{ ?r ?rel ?other BIND("out" AS ?dir) }} UNION {{ ?other ?rel ?r BIND("in" AS ?dir) }} }}
  UNION {{ ?r ckg:hasNetwork ?via . ?via ckg:networkMember ?other .
           BIND(ckg:networkMember AS ?rel) BIND("out" AS ?dir) }}
  UNION {{ ?via ckg:participant|ckg:caseSupportedBy ?r . ?via ckg:participant ?other .
           BIND(ckg:participant AS ?rel) BIND("case" AS ?dir) }}
  UNION {{ ?via ckg:providedBy ?r . ?via ckg:inCooperationWith ?other .
           BIND(ckg:inCooperationWith AS ?rel) BIND("service" AS ?dir) }}
  FILTER(isIRI(?other) && ?other != ?r && STRSTARTS(STR(?other), "https://w3id.org/clusterkg/id/"))
}}"""


def nodes_query(iris: list[str]) -> str:
    """Labels and types of the given resources and relations, and which of KINDS each type falls under
    (as ``?type rdfs:subClassOf ?kind``, the class itself included)."""
    values = " ".join(f"<{iri}>" for iri in dict.fromkeys(iris))
    kinds = " ".join(f"<{k}>" for k in KINDS)
    return f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
CONSTRUCT {{ ?x rdfs:label ?label . ?x a ?type . ?type rdfs:subClassOf ?kind . }} WHERE {{
  {{ VALUES ?x {{ {values} }} ?x rdfs:label ?label }}
  UNION {{ VALUES ?x {{ {values} }} ?x a ?type }}
  UNION {{
    {{ SELECT DISTINCT ?type WHERE {{ VALUES ?x {{ {values} }} ?x a ?type }} }}
    ?type rdfs:subClassOf* ?kind . VALUES ?kind {{ {kinds} }}
  }}
}}"""


def kind_of(graph: Graph, node: Node) -> str:
    types = set(graph.objects(node, RDF.type))
    for cls, kind in KINDS.items():
        if any((t, RDFS.subClassOf, cls) in graph for t in types):
            return kind
    return "other"


def relation_label(graph: Graph, relation: Node, direction: str) -> str:
    text = next((str(lbl) for lbl in graph.objects(relation, RDFS.label) if lbl.language == "en"), curie(str(relation)))  # type: ignore[attr-defined]
    return {"in": f"{text} (inverse)", "case": "case participant", "service": "service partner"}.get(direction, text)


def actor(graph: Graph, node: Node) -> Actor:
    text, other = label_pair(graph, node)
    title = f"{text} / {other}" if other else text
    return Actor(str(node), text, path_for(str(node)), kind_of(graph, node), title)


def priority(row: dict[str, Node]) -> tuple[int, str]:
    """Direct ties first, in the order of NETWORK_RELATIONS' importance; members and case partners last."""
    direction = str(row["dir"])
    relation = str(row["rel"]).rpartition("#")[2]
    rank = {"hasMember": 40, "memberOf": 40, "participant": 50, "inCooperationWith": 45}.get(relation, 10)
    return rank + (5 if direction != "out" else 0) + (20 if direction in ("case", "service") else 0), str(row["other"])


def ties(rows: list[dict[str, Node]], labels: Graph) -> list[Tie]:
    return [
        Tie(actor(labels, row["other"]), relation_label(labels, row["rel"], str(row["dir"])), str(row["dir"]) == "out")
        for row in sorted(rows, key=priority)
    ]


# --- the key figures ---------------------------------------------------------------------------------


def figures(rows: list[dict[str, str]], subjects: Graph, iri: str) -> list[Figure]:
    """The rows of the ``key-figures`` canned query as the page shows them; ``subjects`` holds what each
    observation is about (``ckg:subject``) with labels, to name the other side of ``ckg:agglomerationArea``."""
    shown = []
    for row in rows:
        observation = URIRef(row["observation"])
        about = next((o for o in subjects.objects(observation, CKG.subject) if str(o) != iri), None)
        amount = row["value"] + (f"–{row['maxValue']}" if row.get("maxValue") else "")
        shown.append(
            Figure(
                indicator=row["indicatorLabel"],
                breakdown=row["breakdown"],
                value=amount,
                unit=row["unitLabel"],
                approximation=row["approximation"],
                period=row["period"] or row["periodNote"],
                passages=row["passages"],
                observation=value(subjects, observation),
                about=value(subjects, about) if about is not None and str(about) != iri else None,
            )
        )
    return shown
