"""Each example entry under data/examples/ is a test: valid ones conform, invalid ones are rejected for the
reason their first line states (`# expect: <shape or constraint component> on <focus node>`).

Every example is validated twice: with the whole graph (ontology, concept schemes, data) and no inference,
and as a submitted entry is, with only its neighbourhood (concept schemes, the types and labels of the
resources it refers to), the ontology as ont_graph and RDFS inference. Both must give the same verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from graphfiles import EXAMPLES_DIR, ROOT
from shacl_runs import Result, about, class_graph, entry_subjects, neighbourhood, pyshacl_results, whole_graph

VALID = sorted((EXAMPLES_DIR / "valid").glob("*.ttl"))
INVALID = sorted((EXAMPLES_DIR / "invalid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: (?P<what>\S+) on (?P<focus>\S+)\s*$")
WHITESPACE = re.compile(r"\s+")
SOURCE = ROOT / "data" / "sources" / "chapter-2-3.txt"
EXTRA_PREFIXES = {
    "ckgsh": "https://w3id.org/clusterkg/shapes#",
    "sh": "http://www.w3.org/ns/shacl#",
}


@dataclass(frozen=True)
class Expectation:
    what: str  # a shape IRI or a constraint component IRI
    focus: str


def parse(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def expand(curie: str, graph: Graph) -> str:
    if curie.startswith("<") and curie.endswith(">"):
        return curie[1:-1]
    prefix, _, local = curie.partition(":")
    namespaces = {p: str(n) for p, n in graph.namespaces()} | EXTRA_PREFIXES
    if prefix not in namespaces:
        raise ValueError(f"unknown prefix in {curie!r}")
    return namespaces[prefix] + local


def expectation(path: Path) -> Expectation:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = EXPECT.match(first)
    assert match, f"{path.name}: the first line must be '# expect: <shape or component> on <focus node>'"
    graph = parse(path)
    return Expectation(expand(match["what"], graph), expand(match["focus"], graph))


@cache
def examples_with_whole_graph() -> frozenset[Result]:
    """One validation of the whole graph with every example added (their resources are distinct)."""
    data = whole_graph()
    for path in VALID + INVALID:
        data += parse(path)
    return frozenset(pyshacl_results(data))


def with_whole_graph(path: Path) -> frozenset[Result]:
    return frozenset(about(set(examples_with_whole_graph()), entry_subjects(parse(path))))


@cache
def as_submitted(path: Path) -> frozenset[Result]:
    """The entry validated in its neighbourhood; results about the entry and its blank nodes (evidence)."""
    entry = parse(path)
    results = pyshacl_results(neighbourhood(entry), ont_graph=class_graph(), inference="rdfs")
    return frozenset(about(results, entry_subjects(entry) | {"_:"}))


def violations(results: frozenset[Result]) -> list[Result]:
    return sorted(r for r in results if r.is_violation)


def listing(results: list[Result]) -> str:
    return "\n".join(f"  {r}" for r in results) or "  (none)"


def test_there_are_valid_and_invalid_examples() -> None:
    assert len(VALID) >= 4
    assert len(INVALID) >= 8


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_conforms_with_the_whole_graph(path: Path) -> None:
    found = violations(with_whole_graph(path))
    assert not found, f"{path.name} should conform:\n{listing(found)}"


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_conforms_as_a_submitted_entry(path: Path) -> None:
    found = violations(as_submitted(path))
    assert not found, f"{path.name} should conform:\n{listing(found)}"


def rejected_for_the_stated_reason(path: Path, results: frozenset[Result]) -> None:
    expected = expectation(path)
    found = violations(results)
    assert any(r.focus == expected.focus and expected.what in (r.shape, r.component) for r in found), (
        f"{path.name}: expected {expected.what} on {expected.focus}, got:\n{listing(found)}"
    )
    elsewhere = [r for r in found if r.focus not in (expected.focus, "_:")]
    assert not elsewhere, f"{path.name} should show one mistake, but also:\n{listing(elsewhere)}"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_is_rejected_with_the_whole_graph(path: Path) -> None:
    rejected_for_the_stated_reason(path, with_whole_graph(path))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_is_rejected_as_a_submitted_entry(path: Path) -> None:
    rejected_for_the_stated_reason(path, as_submitted(path))


@pytest.mark.parametrize("path", VALID + INVALID, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_example_quotes_occur_in_the_source(path: Path) -> None:
    source = WHITESPACE.sub("", SOURCE.read_text(encoding="utf-8"))
    quotes = [str(q) for q in parse(path).objects(None, URIRef("http://www.w3.org/ns/oa#exact"))]
    missing = [q for q in quotes if WHITESPACE.sub("", q) not in source]
    assert not missing, f"{path.name}: quotes not in the source: {missing}"
