"""Rules for entries that SHACL shapes cannot state, checked in Python, reported as SHACL results.

They need to know what is already in the graph or what the ontology declares: a subject must be a new
resource of the instance namespace, a class or property under https://w3id.org/clusterkg/ must be a term of
the ontology (whatever namespace spelling it uses), every described resource has a type from the ontology,
only evidence may be a blank node, and a reference into the instance namespace must point to something that
exists (in the entry or in the graph). A class or property of a vocabulary the ontology does not use is a
warning. Each rule is named by an IRI (``https://w3id.org/clusterkg/shapes/entry#<Rule>``) that appears as
the source shape.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import RDF, BNode, URIRef
from rdflib.term import Node

from ..namespaces import ENTRY_RULES, ID, ONT
from .reports import PathExpr, Result, Seq, compact, term_text
from .vocabulary import Triple, Vocabulary

RULES = ENTRY_RULES
EVIDENCE = URIRef(ONT + "evidence")
#: Instance IRIs the service mints itself; an entry may not describe them.
RESERVED = (ID + "case-entry/",)

MESSAGES: dict[str, tuple[str, str]] = {
    "SubjectNamespace": (
        "{focus} is not a new resource of the instance namespace https://w3id.org/clusterkg/id/: an entry "
        "describes resources there (graph, ontology, concept and case-entry IRIs are reserved).",
        "{focus} はインスタンスの名前空間 https://w3id.org/clusterkg/id/ の資源ではありません。エントリが記述できるのは"
        "この名前空間の資源です（グラフ・オントロジー・概念・登録事例の IRI は予約されています）。",
    ),
    "ExistingResource": (
        "{focus} already exists in the graph: an entry adds new resources and refers to existing ones by "
        "their IRI without describing them again. Choose a new IRI, or correct the existing resource at its source.",
        "{focus} はすでにグラフにあります。エントリは新しい資源を加えるもので、既存の資源は IRI で参照するだけにして"
        "ください。新しい IRI を選ぶか、既存の資源はその出典のデータで修正してください。",
    ),
    "UnknownClass": (
        "{value} is not a class of the ClusterKG ontology (misspelt? its terms are https://w3id.org/clusterkg/ont#…).",
        "{value} は ClusterKG オントロジーのクラスではありません（綴りの誤り？ 用語は https://w3id.org/clusterkg/ont#… です）。",
    ),
    "UnknownProperty": (
        "{path} is not a property of the ClusterKG ontology (misspelt? its terms are https://w3id.org/clusterkg/ont#…).",
        "{path} は ClusterKG オントロジーのプロパティではありません（綴りの誤り？ 用語は https://w3id.org/clusterkg/ont#… です）。",
    ),
    "UnknownVocabulary": (
        "{term} is from a vocabulary the ClusterKG ontology does not use: check the IRI, or say it with a term "
        "of the ontology (other systems will not know what it means).",
        "{term} は ClusterKG オントロジーが用いない語彙の用語です。IRI を確認するか、オントロジーの用語で記してください"
        "（他のシステムにはその意味がわかりません）。",
    ),
    "UntypedResource": (
        "{focus} has no type from the ontology: say what it is with rdf:type and a ckg: class.",
        "{focus} にオントロジーの型がありません。rdf:type で ckg: のクラスを指定してください。",
    ),
    "BlankNodeUse": (
        "Only evidence may be a blank node: give this resource an IRI under https://w3id.org/clusterkg/id/.",
        "空白ノードにできるのは根拠（ckg:evidence）だけです。この資源には https://w3id.org/clusterkg/id/ の IRI を"
        "付けてください。",
    ),
    "DanglingReference": (
        "Reference to {value}, a resource of the graph that does not exist (it is neither in the entry nor "
        "in the graph).",
        "存在しない資源 {value} を参照しています（エントリにもグラフにもありません）。",
    ),
}


def rule(name: str) -> URIRef:
    return URIRef(RULES + name)


DANGLING = rule("DanglingReference")


def in_instance_namespace(term: Node) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(ID) and not str(term).startswith(RESERVED)


@dataclass(frozen=True)
class EntryFacts:
    """What the rules look at: the entry's triples and what the graph knows of its IRIs."""

    triples: tuple[Triple, ...]
    subjects: frozenset[Node]
    existing: frozenset[URIRef]
    allow_existing: bool = False

    @property
    def owners(self) -> dict[BNode, tuple[Node, URIRef]]:
        """For each blank node: the resource and property it hangs from (the first one met)."""
        owners: dict[BNode, tuple[Node, URIRef]] = {}
        for s, p, o in self.triples:
            if isinstance(o, BNode) and o not in owners:
                owners[o] = (s, p)  # type: ignore[assignment]
        return owners


def result(
    name: str, focus: Node, path: PathExpr | None = None, value: Node | None = None, severity: str = "Violation"
) -> Result:
    shown = {
        "focus": term_text(focus, short=True),
        "value": term_text(value, short=True) if value is not None else "",
        "path": compact(str(path)) if isinstance(path, URIRef) else "",
    }
    shown["term"] = shown["value"] if path == RDF.type else shown["path"]
    en, ja = MESSAGES[name]
    return Result(
        focus=focus,
        severity=severity,
        messages={"en": en.format(**shown), "ja": ja.format(**shown)},
        path=path,
        value=value,
        source_shape=rule(name),
        constraint=rule(name),
    )


def check(facts: EntryFacts, vocabulary: Vocabulary) -> list[Result]:
    return [
        *subject_rules(facts),
        *term_rules(facts, vocabulary),
        *blank_node_rules(facts),
        *dangling_references(facts),
    ]


def subject_rules(facts: EntryFacts) -> Iterator[Result]:
    for subject in sorted(s for s in facts.subjects if isinstance(s, URIRef)):
        if not in_instance_namespace(subject):
            yield result("SubjectNamespace", subject)
        elif subject in facts.existing and not facts.allow_existing:
            yield result("ExistingResource", subject)


def term_rules(facts: EntryFacts, vocabulary: Vocabulary) -> Iterator[Result]:
    typed: set[Node] = set()
    for s, p, o in facts.triples:
        if p == RDF.type:
            if o in vocabulary.classes:
                typed.add(s)
            elif vocabulary.is_ours(o):
                typed.add(s)  # said once, as an unknown class
                yield result("UnknownClass", s, RDF.type, o)
        elif vocabulary.is_ours(p) and p not in vocabulary.properties:
            yield result("UnknownProperty", s, p, o)  # type: ignore[arg-type]
    yield from outside_terms(facts, vocabulary)
    said_to_exist = set() if facts.allow_existing else facts.existing  # already reported as existing
    for subject in sorted(s for s in facts.subjects if isinstance(s, URIRef) and s not in typed | said_to_exist):
        yield result("UntypedResource", subject, RDF.type)


def outside_terms(facts: EntryFacts, vocabulary: Vocabulary) -> Iterator[Result]:
    """A warning for each class or property (once per resource) of a vocabulary the ontology does not use."""
    seen: set[tuple[Node, Node]] = set()
    for s, p, o in facts.triples:
        term, path = (o, RDF.type) if p == RDF.type else (p, p)
        known = vocabulary.is_ours(term) or vocabulary.knows_vocabulary_of(term)
        if known or not isinstance(term, URIRef) or (s, term) in seen:
            continue
        seen.add((s, term))
        yield result("UnknownVocabulary", s, path, o if p == RDF.type else None, severity="Warning")  # type: ignore[arg-type]


def blank_node_rules(facts: EntryFacts) -> Iterator[Result]:
    evidence = {o for _, p, o in facts.triples if p == EVIDENCE and isinstance(o, BNode)}
    owners = facts.owners
    blank = {term for triple in facts.triples for term in (triple[0], triple[2]) if isinstance(term, BNode)}
    for node in sorted(blank - evidence):
        owner = owners.get(node)
        if owner is None:
            yield result("BlankNodeUse", node)
        else:
            yield result("BlankNodeUse", owner[0], owner[1], node)


def dangling_references(facts: EntryFacts) -> Iterator[Result]:
    owners = facts.owners
    seen: set[tuple[Node, Node]] = set()
    for s, p, o in facts.triples:
        if p == RDF.type or not in_instance_namespace(o) or o in facts.subjects or o in facts.existing:
            continue
        focus, path = _anchored(s, p, owners)  # type: ignore[arg-type]
        if (focus, o) not in seen:
            seen.add((focus, o))
            yield result("DanglingReference", focus, path, o)


def _anchored(subject: Node, predicate: URIRef, owners: dict[BNode, tuple[Node, URIRef]]) -> tuple[Node, PathExpr]:
    """A blank node's statement is reported on the resource it belongs to, with the path through it."""
    steps: list[PathExpr] = [predicate]
    node = subject
    while isinstance(node, BNode) and node in owners and len(steps) < 8:
        node, via = owners[node]
        steps.insert(0, via)
    return node, steps[0] if len(steps) == 1 else Seq(tuple(steps))


def unknown_kinds(results: Iterable[Result]) -> set[Node]:
    """Resources whose kind cannot be known: references to nothing, and resources of no known class."""
    unknown: set[Node] = set()
    for r in results:
        if r.constraint == DANGLING and r.value is not None:
            unknown.add(r.value)
        elif r.constraint in (rule("UnknownClass"), rule("UntypedResource")):
            unknown.add(r.focus)
    return unknown
