"""Validation reports: results (focus node, path, value, severity, message, source shape) and their forms.

A ``Report`` is written as JSON (the HTTP API), as readable text (the CLI) or as a SHACL
``sh:ValidationReport`` in Turtle. Terms are rdflib terms; paths are SHACL property paths kept as a small
tree (``Seq``, ``Alt``, ``Inverse``...) so they can be shown as SPARQL path text and written back as SHACL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from ..namespaces import SH as SH_NS
from ..namespaces import prefixes
from .jsonld import PREFIXES

SH = Namespace(SH_NS)
SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
REPORT_PREFIXES = {**PREFIXES, **prefixes("sh", "ckgsh")}


# --- property paths ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seq:
    steps: tuple[PathExpr, ...]


@dataclass(frozen=True)
class Alt:
    options: tuple[PathExpr, ...]


@dataclass(frozen=True)
class Inverse:
    path: PathExpr


@dataclass(frozen=True)
class Repeat:
    path: PathExpr
    kind: str  # "*", "+" or "?"


PathExpr = Union[URIRef, Seq, Alt, Inverse, Repeat]  # noqa: UP007 - a recursive alias needs Union here

_REPEATS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


def path_from_graph(graph: Graph, node: Node) -> PathExpr | None:
    """The path a SHACL path node denotes (``None`` if it is not a well-formed path)."""
    if isinstance(node, URIRef):
        return node
    if (node, RDF.first, None) in graph:
        steps = [path_from_graph(graph, item) for item in Collection(graph, node)]
        return Seq(tuple(s for s in steps if s is not None))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        options = [path_from_graph(graph, item) for item in Collection(graph, alternatives)]
        return Alt(tuple(o for o in options if o is not None))
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        inner = path_from_graph(graph, inverse)
        return Inverse(inner) if inner is not None else None
    for predicate, kind in _REPEATS.items():
        inner_node = graph.value(node, predicate)
        if inner_node is not None:
            inner = path_from_graph(graph, inner_node)
            return Repeat(inner, kind) if inner is not None else None
    return None


def path_to_graph(graph: Graph, path: PathExpr) -> Node:
    if isinstance(path, URIRef):
        return path
    node = BNode()
    if isinstance(path, Seq):
        Collection(graph, node, [path_to_graph(graph, step) for step in path.steps])
    elif isinstance(path, Alt):
        items = BNode()
        Collection(graph, items, [path_to_graph(graph, option) for option in path.options])
        graph.add((node, SH.alternativePath, items))
    elif isinstance(path, Inverse):
        graph.add((node, SH.inversePath, path_to_graph(graph, path.path)))
    else:
        predicate = next(p for p, kind in _REPEATS.items() if kind == path.kind)
        graph.add((node, predicate, path_to_graph(graph, path.path)))
    return node


def compact(iri: str) -> str:
    """``https://w3id.org/clusterkg/ont#Cluster`` -> ``ckg:Cluster``; IRIs without a known prefix in ``<>``."""
    best = max((ns for ns in REPORT_PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    local = iri[len(best) :]
    if not local or any(ch in local for ch in "/#?:"):
        return f"<{iri}>"
    prefix = next(name for name, ns in REPORT_PREFIXES.items() if ns == best)
    return f"{prefix}:{local}"


def path_text(path: PathExpr, short: bool = False) -> str:
    """SPARQL property path syntax, with compact IRIs if ``short``."""
    if isinstance(path, URIRef):
        return compact(str(path)) if short else f"<{path}>"
    if isinstance(path, Seq):
        return "/".join(_grouped(step, short) for step in path.steps)
    if isinstance(path, Alt):
        return "|".join(_grouped(option, short) for option in path.options)
    if isinstance(path, Inverse):
        return "^" + _grouped(path.path, short)
    return _grouped(path.path, short) + path.kind


def path_json(path: PathExpr | None) -> str | None:
    """A predicate path as its IRI; other paths in SPARQL property path syntax."""
    if path is None:
        return None
    return str(path) if isinstance(path, URIRef) else path_text(path)


def _grouped(path: PathExpr, short: bool) -> str:
    text = path_text(path, short)
    return text if isinstance(path, (URIRef, Inverse)) else f"({text})"


# --- terms ---------------------------------------------------------------------------------------------


def term_text(term: Node, short: bool = False) -> str:
    """N-Triples-like text for a term: ``<iri>`` (or ``ckg:X`` if ``short``), ``"text"@en``, ``_:b1``."""
    if isinstance(term, URIRef):
        return compact(str(term)) if short else f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = term.n3()
        if short and term.datatype is not None:
            text = f'"{term}"^^{compact(str(term.datatype))}'
        return text
    return str(term)


def term_json(term: Node | None) -> str | None:
    """JSON form of a term: an IRI as is, a blank node as ``_:id``, a literal in N-Triples syntax."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    return term_text(term)


# --- results and reports -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One validation result. ``messages`` maps a language tag (``en``, ``ja``) to the message."""

    focus: Node
    severity: str
    messages: dict[str, str]
    path: PathExpr | None = None
    value: Node | None = None
    source_shape: Node | None = None
    constraint: URIRef | None = None

    def message(self, lang: str) -> str:
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (
            SEVERITY_ORDER.get(self.severity, 3),
            str(self.focus),
            path_text(self.path) if self.path is not None else "",
            str(self.value or ""),
            str(self.source_shape or ""),
        )

    def to_json(self, lang: str) -> dict[str, Any]:
        return {
            "focusNode": term_json(self.focus),
            "resultPath": path_json(self.path),
            "value": term_json(self.value),
            "severity": self.severity,
            "message": self.message(lang),
            "sourceShape": term_json(self.source_shape) if isinstance(self.source_shape, URIRef) else None,
            "sourceConstraintComponent": str(self.constraint) if self.constraint is not None else None,
        }

    def to_text(self, lang: str) -> str:
        lines = [f"[{self.severity}] {self.message(lang)}", f"  focus node: {term_text(self.focus, short=True)}"]
        if self.path is not None:
            lines.append(f"  path:       {path_text(self.path, short=True)}")
        if self.value is not None:
            lines.append(f"  value:      {term_text(self.value, short=True)}")
        if isinstance(self.source_shape, URIRef):
            lines.append(f"  shape:      {compact(str(self.source_shape))}")
        return "\n".join(lines)


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    lang: str = "en"
    triples: int = 0

    def __post_init__(self) -> None:
        self.results.sort(key=lambda result: result.sort_key)

    @property
    def conforms(self) -> bool:
        return not any(result.severity == "Violation" for result in self.results)

    def count(self, severity: str) -> int:
        return sum(1 for result in self.results if result.severity == severity)

    def to_json(self) -> dict[str, Any]:
        return {
            "conforms": self.conforms,
            "violations": self.count("Violation"),
            "warnings": self.count("Warning"),
            "triples": self.triples,
            "results": [result.to_json(self.lang) for result in self.results],
        }

    def to_text(self) -> str:
        if self.lang == "ja":
            head = "適合しています" if self.conforms else "適合していません"
            summary = f"{head}（違反 {self.count('Violation')} 件、警告 {self.count('Warning')} 件）"
        else:
            head = "Conforms" if self.conforms else "Does not conform"
            summary = f"{head}: {self.count('Violation')} violation(s), {self.count('Warning')} warning(s)"
        blocks = [result.to_text(self.lang) for result in self.results]
        return "\n\n".join([summary, *blocks]) + "\n"

    def to_graph(self) -> Graph:
        graph = Graph()
        for prefix, namespace in REPORT_PREFIXES.items():
            graph.bind(prefix, namespace)
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, Literal(self.conforms)))
        for result in self.results:
            graph.add((report, SH.result, _result_node(graph, result, self.lang)))
        return graph

    def to_turtle(self) -> str:
        return self.to_graph().serialize(format="turtle")


def _result_node(graph: Graph, result: Result, lang: str) -> BNode:
    node = BNode()
    severity = next(iri for iri, name in SEVERITIES.items() if name == result.severity)
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, SH.focusNode, result.focus))
    graph.add((node, SH.resultSeverity, severity))
    graph.add((node, SH.resultMessage, Literal(result.message(lang), lang=lang if lang in result.messages else "en")))
    if result.path is not None:
        graph.add((node, SH.resultPath, path_to_graph(graph, result.path)))
    if result.value is not None:
        graph.add((node, SH.value, result.value))
    if isinstance(result.source_shape, URIRef):
        graph.add((node, SH.sourceShape, result.source_shape))
    if result.constraint is not None:
        graph.add((node, SH.sourceConstraintComponent, result.constraint))
    return node


def results_from_report_graph(graph: Graph, shapes: Graph) -> Iterable[Result]:
    """The results of a pySHACL report graph (messages by language; paths read from the shapes graph)."""
    for node in graph.subjects(RDF.type, SH.ValidationResult):
        messages: dict[str, str] = {}
        for message in graph.objects(node, SH.resultMessage):
            language = getattr(message, "language", None) or "en"
            messages.setdefault(language, str(message))
        path_node = graph.value(node, SH.resultPath)
        path = None
        if path_node is not None:
            path = path_from_graph(graph, path_node) or path_from_graph(shapes, path_node)
        severity = graph.value(node, SH.resultSeverity)
        constraint = graph.value(node, SH.sourceConstraintComponent)
        yield Result(
            focus=graph.value(node, SH.focusNode),  # type: ignore[arg-type]
            severity=SEVERITIES.get(severity, "Violation") if isinstance(severity, URIRef) else "Violation",
            messages=messages,
            path=path,
            value=graph.value(node, SH.value),
            source_shape=graph.value(node, SH.sourceShape),
            constraint=constraint if isinstance(constraint, URIRef) else None,
        )


def ordered(results: Sequence[Result]) -> list[Result]:
    return sorted(results, key=lambda result: result.sort_key)
