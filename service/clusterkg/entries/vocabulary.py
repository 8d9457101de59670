"""The ontology as validation needs it: declared terms, the class hierarchy, super-properties and domains.

Read once from ``ontology/clusterkg.ttl`` (``Vocabulary.load``) and shared: entries are checked against it
(unknown classes and properties), its hierarchy is put into every validation data graph, and the JSON-LD
context is generated from its terms.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import BASE, ONT
from ..sources import Resources

ONTOLOGY_FILE = "clusterkg.ttl"

CLASS_TYPES = frozenset({OWL.Class, RDFS.Class})
PROPERTY_TYPES = frozenset(
    {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property, OWL.SymmetricProperty}
)

Triple = tuple[Node, Node, Node]
#: Vocabularies every RDF document may use besides those the ontology declares terms of.
STANDARD_NAMESPACES = frozenset({str(RDF), str(RDFS), str(OWL), str(XSD)})


def namespace_of(term: URIRef) -> str:
    """The IRI up to its last ``#`` or ``/``: ``http://schema.org/name`` -> ``http://schema.org/``.

    >>> namespace_of(URIRef("https://w3id.org/clusterkg/ont#Cluster"))
    'https://w3id.org/clusterkg/ont#'
    """
    text = str(term)
    return text[: max(text.rfind("#"), text.rfind("/")) + 1]


def _closure(start: URIRef, parents: dict[URIRef, set[URIRef]]) -> frozenset[URIRef]:
    """``start`` and everything above it (reflexive, transitive)."""
    seen = {start}
    todo = [start]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return frozenset(seen)


@dataclass(frozen=True)
class Vocabulary:
    """Terms of the ClusterKG ontology and the entailments validation uses.

    ``hierarchy`` holds the triples SHACL needs to see subclasses (``rdfs:subClassOf`` between named
    classes and the ``owl:Class`` declarations); ``super_properties`` and ``domains`` serve the RDFS rules
    applied to an entry (rdfs7 and rdfs2).
    """

    classes: frozenset[URIRef]
    properties: frozenset[URIRef]
    property_kinds: dict[URIRef, frozenset[URIRef]]
    ranges: dict[URIRef, frozenset[URIRef]]
    super_properties: dict[URIRef, frozenset[URIRef]]
    domains: dict[URIRef, frozenset[URIRef]]
    hierarchy: tuple[Triple, ...]
    labels: dict[URIRef, dict[str, str]] = field(default_factory=dict)
    namespaces: frozenset[str] = STANDARD_NAMESPACES

    @classmethod
    def from_graph(cls, graph: Graph) -> Vocabulary:
        classes = {s for s, _, o in graph.triples((None, RDF.type, None)) if o in CLASS_TYPES and isinstance(s, URIRef)}
        kinds: dict[URIRef, set[URIRef]] = {}
        for s, _, o in graph.triples((None, RDF.type, None)):
            if o in PROPERTY_TYPES and isinstance(s, URIRef):
                kinds.setdefault(s, set()).add(o)  # type: ignore[arg-type]
        parents: dict[URIRef, set[URIRef]] = {}
        for s, _, o in graph.triples((None, RDFS.subPropertyOf, None)):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                parents.setdefault(s, set()).add(o)
        super_properties = {p: _closure(p, parents) for p in kinds}
        domains = {p: frozenset(_named(graph.objects(p, RDFS.domain))) for p in kinds}
        ranges = {p: frozenset(_named(graph.objects(p, RDFS.range))) for p in kinds}
        hierarchy = [(c, RDF.type, OWL.Class) for c in classes]
        hierarchy += [
            (s, RDFS.subClassOf, o)
            for s, _, o in graph.triples((None, RDFS.subClassOf, None))
            if isinstance(s, URIRef) and isinstance(o, URIRef)
        ]
        labels: dict[URIRef, dict[str, str]] = {}
        for s, _, o in graph.triples((None, RDFS.label, None)):
            if isinstance(s, URIRef) and isinstance(o, Literal) and o.language:
                labels.setdefault(s, {})[o.language] = str(o)
        return cls(
            classes=frozenset(classes),
            properties=frozenset(kinds),
            property_kinds={p: frozenset(k) for p, k in kinds.items()},
            ranges=ranges,
            super_properties=super_properties,
            domains=domains,
            hierarchy=tuple(hierarchy),
            labels=labels,
            namespaces=STANDARD_NAMESPACES | {namespace_of(t) for t in graph.subjects() if isinstance(t, URIRef)},
        )

    @classmethod
    def load(cls, resources: Resources) -> Vocabulary:
        """From ``ontology/clusterkg.ttl``, or from every ``ontology/*.ttl`` of a source tree without it."""
        main = resources.ontology_dir / ONTOLOGY_FILE
        return _load((main,) if main.is_file() else tuple(sorted(resources.ontology_dir.glob("*.ttl"))))

    def is_ours(self, term: Node) -> bool:
        """A term under the project's IRIs (https://w3id.org/clusterkg/), however its namespace is spelt:
        it must then be a term of the ontology."""
        return isinstance(term, URIRef) and str(term).startswith(BASE)

    def knows_vocabulary_of(self, term: Node) -> bool:
        """The term's namespace is one the ontology declares terms of (or RDF, RDFS, OWL, XSD)."""
        return isinstance(term, URIRef) and namespace_of(term) in self.namespaces

    def ours(self, terms: Iterable[URIRef]) -> Iterator[URIRef]:
        return (term for term in terms if str(term).startswith(ONT))

    def entailed(self, triples: Iterable[Triple]) -> set[Triple]:
        """What RDFS rules rdfs7 (sub-properties) and rdfs2 (domains) add to ``triples``.

        Ranges (rdfs3) are left out on purpose: a range would give a referenced resource the very type
        that ``sh:class`` is meant to check, so a reference to the wrong kind of resource would pass.
        """
        added: set[Triple] = set()
        for s, p, o in triples:
            for super_property in self.super_properties.get(p, ()):  # type: ignore[call-overload]
                if super_property != p:
                    added.add((s, super_property, o))
                for domain in self.domains.get(super_property, ()):
                    added.add((s, RDF.type, domain))
        return added


def _named(nodes: Iterable[Node]) -> Iterator[URIRef]:
    return (node for node in nodes if isinstance(node, URIRef))


@cache
def _load(paths: tuple[Path, ...]) -> Vocabulary:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return Vocabulary.from_graph(graph)
