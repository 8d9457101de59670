"""Validate an entry in its context: the entry, the ontology's hierarchy and the neighbourhood it refers to.

The data graph pySHACL sees is small: the entry's triples, what RDFS sub-property and domain rules add to
them (``Vocabulary.entailed``), the class hierarchy of the ontology, and the types, labels and concept
schemes of the resources the entry refers to (one query to the store, ``neighbourhood.py``). Only the
entry's own resources are focus nodes, so the shapes judge the entry and not the neighbourhood. The
shapes are parsed once and reused. Rules SHACL cannot state (new resources only, known terms, dangling
references...) are in ``rules.py``; their results join the report.

>>> from clusterkg.sources import locate
>>> from clusterkg.entries.reading import read_entry, format_named
>>> validator = EntryValidator.load(locate())
>>> entry = read_entry(b'<https://w3id.org/clusterkg/id/org/x> a <https://w3id.org/clusterkg/ont#Klaster> .',
...                    format_named("turtle"))
>>> report = validator.validate(entry, NoContext())
>>> report.conforms, sorted({r.source_shape.split("#")[1] for r in report.results})
(False, ['UnknownClass'])
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from pathlib import Path

import pyoxigraph as ox
from pyshacl import Validator
from pyshacl import shape as pyshacl_shape
from pyshacl.shapes_graph import ShapesGraph
from rdflib import RDF, XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import BASE as KG
from ..namespaces import ONT, SHAPES
from ..sources import Resources
from . import rules
from .neighbourhood import ContextSource
from .reading import Entry
from .reports import SH, Report, Result, results_from_report_graph
from .rules import EntryFacts
from .vocabulary import Triple, Vocabulary

log = logging.getLogger("clusterkg.validation")

#: Results that ask what kind of thing a value is; about a value that does not exist, or whose class is
#: unknown, they only repeat the entry rule's result, so they are left out.
KIND_CONSTRAINTS = frozenset({SH.ClassConstraintComponent, SH.NodeConstraintComponent})
LANGUAGES = ("en", "ja")
#: Shapes an entry rule stands in for. The dangling-reference shape asks of every value of some seventy
#: relations whether it is an IRI of the instance namespace with a type and a label; for an entry,
#: ``rules.DanglingReference`` asks the store once whether each referenced IRI exists (more than half
#: of the validation time otherwise), and also sees references from evidence and from any other property.
#: Its results name ``ckgsh:DanglingReference`` as their source shape, so both ways report the same shape.
REPLACED_SHAPES = frozenset({URIRef(SHAPES + "DanglingReferenceShape"), URIRef(SHAPES + "ExplanationReferenceShape")})
#: The shape whose results the dangling-reference rule gives (when the shapes define it).
DANGLING_SHAPE = URIRef(SHAPES + "DanglingReference")


def to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    raise TypeError(f"not an RDF 1.1 term: {term!r}")


def to_rdflib_triples(triples: Iterable[ox.Triple | tuple[object, object, object]]) -> tuple[Triple, ...]:
    converted = []
    for triple in triples:
        parts = (triple.subject, triple.predicate, triple.object) if isinstance(triple, ox.Triple) else triple
        converted.append((to_rdflib(parts[0]), to_rdflib(parts[1]), to_rdflib(parts[2])))
    return tuple(converted)


class NoContext:
    """A context source that knows nothing: for checking an entry on its own (tests, doctests)."""

    def describe(self, iris: Iterable[str]) -> list[tuple[object, object, object]]:
        return []


class EntryValidator:
    """The ontology and the shapes, loaded once; ``validate`` is thread-safe."""

    def __init__(self, vocabulary: Vocabulary, shapes: Graph) -> None:
        self.vocabulary = vocabulary
        self.shapes = shapes
        self._shapes_graph = ShapesGraph(shapes, False, log)
        self._targeted = [
            shape for shape in self._shapes_graph.shapes if any(shape.target()) and shape.node not in REPLACED_SHAPES
        ]
        speed_up_pyshacl()
        self._lock = threading.Lock()

    @classmethod
    def load(cls, resources: Resources) -> EntryValidator:
        return _load(resources.root)

    def validate(self, entry: Entry, context: ContextSource, lang: str = "en", allow_existing: bool = False) -> Report:
        """The report on ``entry``. ``allow_existing`` lets an entry describe resources the graph already has
        (to re-check existing data); entries submitted as cases may not."""
        triples = to_rdflib_triples(entry.triples)
        subjects = frozenset(s for s, _, _ in triples)
        described = to_rdflib_triples(context.describe(self._lookups(triples, subjects)))
        existing = frozenset(s for s, p, _ in described if p == RDF.type and isinstance(s, URIRef))
        facts = EntryFacts(triples, subjects, existing, allow_existing)
        rule_results = rules.check(facts, self.vocabulary)
        # The graph's view of what the entry refers to; of resources the entry itself describes (and that
        # already exist: reported above), only their types, so that references to them are judged as usual.
        neighbourhood = [t for t in described if t[0] not in subjects or (t[1] == RDF.type and not allow_existing)]
        entailed = self.vocabulary.entailed(triples).difference(triples)
        data = self.data_graph(triples, entailed, neighbourhood)
        skipped = set() if allow_existing else existing  # reported once, as existing
        focus = sorted(s for s in subjects if isinstance(s, URIRef) and s not in skipped)
        shape_results = self.run_shapes(data, focus)
        results = self.badged(merge(shape_results, rule_results, entailed))
        return Report(results, lang if lang in LANGUAGES else "en", len(triples))

    def badged(self, results: list[Result]) -> list[Result]:
        """Dangling references under the shape the rule stands in for, if the shapes have it."""
        if (DANGLING_SHAPE, RDF.type, SH.PropertyShape) not in self.shapes:
            return results
        return [replace(r, source_shape=DANGLING_SHAPE) if r.constraint == rules.DANGLING else r for r in results]

    def _lookups(self, triples: Iterable[Triple], subjects: frozenset[Node]) -> set[str]:
        """IRIs of the knowledge graph the entry mentions (besides ontology terms): subjects and references."""
        terms = {s for s in subjects if isinstance(s, URIRef)}
        terms |= {o for _, p, o in triples if isinstance(o, URIRef) and p != RDF.type}
        return {str(t) for t in terms if str(t).startswith(KG) and not str(t).startswith(ONT)}

    def data_graph(
        self, triples: Iterable[Triple], entailed: Iterable[Triple], neighbourhood: Iterable[Triple]
    ) -> Graph:
        graph = Graph()
        for triple in (*triples, *entailed, *neighbourhood, *self.vocabulary.hierarchy):
            graph.add(triple)
        return graph

    def run_shapes(self, data: Graph, focus: list[URIRef]) -> list[Result]:
        """Validate the ``focus`` nodes against the shapes that target them (and only them).

        pySHACL's own ``focus_nodes`` option also filters the value nodes of nested shapes (``sh:node``,
        ``sh:or``, qualified value shapes), which then conform vacuously: a wrong datatype or an evidence
        without a quote would pass. So the targeted shapes are run here on their focus nodes instead.
        """
        keep = set(focus)
        with self._lock:
            from pyshacl.graph_abstraction import DataGraph  # noqa: PLC0415 - pySHACL >= 0.30

            validator = Validator(DataGraph.from_rdflib(data), shacl_graph=Graph(), options={"logger": log})
            validator.shacl_graph = self._shapes_graph
            executor = validator.make_executor()
            target = validator.data_graph
            reports = []
            for shape in self._targeted:
                nodes = sorted(node for node in shape.focus_nodes(target) if node in keep)
                if nodes:
                    reports.extend(shape.validate(executor, target, focus=nodes)[1])
            report_graph, _ = Validator.create_validation_report(self._shapes_graph, not reports, reports)
        # Nested shapes report on the values they judged too; the entry's resources carry the result.
        return [r for r in results_from_report_graph(report_graph, self.shapes) if r.focus in keep]


def speed_up_pyshacl() -> None:
    """Let pySHACL look up constraint parameters in a set rather than a list (same answers, a quarter
    less time: each shape evaluation scans its shape's predicates against some forty parameters)."""
    module = getattr(pyshacl_shape, "module", None)
    cached = getattr(module, "CONSTRAINT_PARAMS", None)
    if module is None or isinstance(cached, _ParameterList):
        return
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP  # noqa: PLC0415

    module.CONSTRAINT_PARAMS = (_ParameterList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)


class _ParameterList(list[Node]):
    def __init__(self, items: Iterable[Node]) -> None:
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def merge(shape_results: list[Result], rule_results: list[Result], entailed: set[Triple]) -> list[Result]:
    """Both kinds of result, without repeating one mistake's consequences: a value whose kind cannot be
    known (it does not exist, or its class is unknown) does not also fail ``sh:class``/``sh:node`` checks
    on the resources that point to it, and a statement the entry makes is not judged again through its
    entailed super-property (``ckg:coordinatedBy`` -> ``ckg:hasActor``) when it was judged already."""
    unknown = rules.unknown_kinds(rule_results)
    kept = [r for r in shape_results if not (r.value in unknown and r.constraint in KIND_CONSTRAINTS)]
    judged = {(r.focus, r.value) for r in kept if (r.focus, r.path, r.value) not in entailed}
    kept = [r for r in kept if (r.focus, r.path, r.value) not in entailed or (r.focus, r.value) not in judged]
    return kept + rule_results


def load_shapes(shapes_dir: Path) -> Graph:
    graph = Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@cache
def _load(root: Path) -> EntryValidator:
    resources = Resources(root)
    return EntryValidator(Vocabulary.load(resources), load_shapes(resources.shapes_dir))
