"""Validating an entry in its context: the example case conforms, each invalid variant fails with exactly the
violation its first line names, every resource of the graph conforms when submitted as an entry, and
mutations of real resources (a missing required property, a wrong datatype, an unknown class, a dangling
reference) are each caught."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from clusterkg.entries.jsonld import build_context
from clusterkg.entries.neighbourhood import MemoryContext
from clusterkg.entries.reading import Entry, format_for_path, format_named, read_entry
from clusterkg.entries.reports import Report
from clusterkg.entries.rules import RULES
from clusterkg.entries.validation import EntryValidator, NoContext
from clusterkg.sources import locate

REPO = Path(__file__).resolve().parents[1]
CASES = REPO / "data" / "examples" / "cases"
VALID = sorted((CASES / "valid").glob("*.ttl")) + sorted((CASES / "valid").glob("*.jsonld"))
INVALID = sorted((CASES / "invalid").glob("*.ttl"))
EXPECT = re.compile(r"^# expect: (?P<what>\S+) on (?P<focus>\S+)\s*$")
PREFIXES = {"ckgsh": "https://w3id.org/clusterkg/shapes#", "sh": "http://www.w3.org/ns/shacl#"}
ID = "https://w3id.org/clusterkg/id/"
CKG = "https://w3id.org/clusterkg/ont#"
SHAPES = "https://w3id.org/clusterkg/shapes#"


@cache
def validator() -> EntryValidator:
    return EntryValidator.load(locate())


@cache
def context() -> MemoryContext:
    return MemoryContext.from_sources(locate())


@cache
def jsonld_context() -> dict[str, object]:
    return build_context(validator().vocabulary)


def read(path: Path) -> Entry:
    return read_entry(path.read_bytes(), format_for_path(path), jsonld_context())


def validate(entry: Entry, lang: str = "en", allow_existing: bool = False) -> Report:
    return validator().validate(entry, context(), lang, allow_existing)


def expand(curie: str, path: Path) -> str:
    if curie.startswith("<"):
        return curie[1:-1]
    if curie.startswith("http"):
        return curie
    prefix, _, local = curie.partition(":")
    namespaces = {p: str(n) for p, n in Graph().parse(path, format="turtle").namespaces()} | PREFIXES
    return namespaces[prefix] + local


def expectation(path: Path) -> tuple[str, str]:
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name}: the first line must be '# expect: <shape or rule> on <focus node>'"
    return expand(match["what"], path), expand(match["focus"], path)


def violations(report: Report) -> list[tuple[str, str]]:
    return sorted((str(r.source_shape), str(r.focus)) for r in report.results if r.severity == "Violation")


def entry_of(triples: set[tuple[object, object, object]]) -> Entry:
    graph = Graph()
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]
    return read_entry(graph.serialize(format="nt").encode(), format_named("ntriples"))


# --- the examples ---------------------------------------------------------------------------------------


def test_there_is_a_valid_case_in_turtle_and_json_ld_and_invalid_variants() -> None:
    assert {path.suffix for path in VALID} == {".ttl", ".jsonld"}
    assert len(INVALID) >= 10


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_the_valid_example_conforms_without_warnings(path: Path) -> None:
    report = validate(read(path))
    assert report.conforms, report.to_text()
    assert report.results == [], report.to_text()


def test_the_json_ld_example_says_what_the_turtle_example_says() -> None:
    graphs = [
        Graph().parse(data=read(CASES / "valid" / f"example-valley.{ext}").ntriples(), format="nt")
        for ext in ("ttl", "jsonld")
    ]
    assert isomorphic(*graphs)


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_an_invalid_example_fails_with_exactly_its_violation(path: Path) -> None:
    what, focus = expectation(path)
    report = validate(read(path))
    assert not report.conforms
    found = [r for r in report.results if r.severity == "Violation"]
    assert len(found) == 1, f"{path.name}: expected only {what} on {focus}, got:\n{report.to_text()}"
    assert what in (str(found[0].source_shape), str(found[0].constraint)), report.to_text()
    assert str(found[0].focus) == focus, report.to_text()


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_an_invalid_example_differs_from_the_valid_one_in_a_few_lines(path: Path) -> None:
    valid = (CASES / "valid" / "example-valley.ttl").read_text(encoding="utf-8").splitlines()
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(set(lines).symmetric_difference(valid)) <= 12


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_messages_are_in_japanese_when_asked(path: Path) -> None:
    report = validate(read(path), lang="ja")
    for result in report.results:
        message = result.message("ja")
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", message), message
        assert message != result.message("en")
    assert "違反" in report.to_text()


def test_a_dangling_reference_names_the_missing_iri_in_both_languages() -> None:
    report = validate(read(CASES / "invalid" / "dangling-reference.ttl"))
    [result] = report.results
    assert str(result.value) == ID + "org/example-valley-assocation"
    assert "cko:example-valley-assocation" in result.message("en")
    assert "cko:example-valley-assocation" in result.message("ja")


def test_the_quotes_of_the_example_occur_in_its_source() -> None:
    source = re.sub(r"\s+", "", (CASES / "sources" / "example-valley-report.txt").read_text(encoding="utf-8"))
    graph = Graph().parse(CASES / "valid" / "example-valley.ttl", format="turtle")
    quotes = list(graph.objects(None, URIRef("http://www.w3.org/ns/oa#exact")))
    assert quotes
    for quote in quotes:
        assert re.sub(r"\s+", "", str(quote)) in source, quote


def test_an_entry_checked_without_the_graph_finds_its_references_missing() -> None:
    report = validator().validate(read(CASES / "valid" / "example-valley.ttl"), NoContext())
    assert not report.conforms
    assert {str(r.value) for r in report.results if r.source_shape == URIRef(SHAPES + "DanglingReference")} == {
        ID + "place/japan"
    }


# --- the graph's own resources as entries ---------------------------------------------------------------


@cache
def data_graph() -> Graph:
    graph = Graph()
    for path in locate().data_dir.glob("**/*.ttl"):
        graph.parse(path, format="turtle")
    return graph


def description(graph: Graph, subject: URIRef) -> set[tuple[object, object, object]]:
    """The resource's triples with its blank nodes and its named evidence."""
    triples: set[tuple[object, object, object]] = set()
    todo: list[object] = [subject]
    while todo:
        node = todo.pop()
        for triple in graph.triples((node, None, None)):  # type: ignore[arg-type]
            if triple not in triples:
                triples.add(triple)
                value = triple[2]
                evidence = triple[1] == URIRef(CKG + "evidence")
                if isinstance(value, BNode) or (evidence and isinstance(value, URIRef)):
                    todo.append(value)
    return triples


def resources() -> list[URIRef]:
    graph = data_graph()
    return sorted({s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(ID)})


def test_every_resource_of_the_graph_conforms_when_submitted_as_an_entry() -> None:
    """The same verdict as the whole graph (which conforms), from each resource and its neighbourhood."""
    graph = data_graph()
    failures = {}
    for subject in resources():
        report = validate(entry_of(description(graph, subject)), allow_existing=True)
        if not report.conforms:
            failures[str(subject)] = report.to_text()
    assert not failures, "\n".join(f"{s}:\n{t}" for s, t in list(failures.items())[:5])


def test_a_resource_of_the_graph_is_not_accepted_as_a_new_entry() -> None:
    subject = URIRef(ID + "org/tama-association")
    report = validate(entry_of(description(data_graph(), subject)))
    assert violations(report) == [(RULES + "ExistingResource", str(subject))]


MUTATED = [
    ID + "org/tama-association",
    ID + "agglomeration/tama",
    ID + "obs/tama-association-members-2004-01-05-companies",
    ID + "case/tama-01",
    ID + "service/tama-information-network",
]


def mutate(
    triples: set[tuple[object, object, object]], old: tuple[object, ...], new: tuple[object, ...] | None
) -> set[tuple[object, object, object]]:
    return {t for t in triples if t != old} | ({new} if new else set())  # type: ignore[arg-type]


def first(triples: set[tuple[object, object, object]], test: object) -> tuple[object, object, object]:
    found = sorted((t for t in triples if test(t)), key=str)  # type: ignore[operator]
    assert found, "no triple to mutate"
    return found[0]


def found(report: Report, shape: str, focus: URIRef) -> bool:
    return any(
        r.severity == "Violation" and r.focus == focus and shape in (str(r.source_shape), str(r.constraint))
        for r in report.results
    )


@pytest.mark.parametrize("iri", MUTATED)
def test_a_real_resource_without_its_japanese_label_is_caught(iri: str) -> None:
    subject = URIRef(iri)
    triples = description(data_graph(), subject)
    label = first(
        triples,
        lambda t: (
            t[0] == subject and t[1] == URIRef("http://www.w3.org/2000/01/rdf-schema#label") and t[2].language == "ja"
        ),
    )
    report = validate(entry_of(mutate(triples, label, None)), allow_existing=True)
    assert found(report, SHAPES + "LabelJapanese", subject), report.to_text()


@pytest.mark.parametrize("iri", MUTATED)
def test_a_real_resource_without_evidence_is_caught(iri: str) -> None:
    subject = URIRef(iri)
    triples = {t for t in description(data_graph(), subject) if t[0] == subject and t[1] != URIRef(CKG + "evidence")}
    report = validate(entry_of(triples), allow_existing=True)
    assert found(report, SHAPES + "EvidenceRequired", subject), report.to_text()


#: For each mutated resource: a property whose values the shapes type, and a value of the wrong type.
WRONG_DATATYPE = {
    ID + "org/tama-association": ("foundingDate", Literal("平成12年")),
    ID + "agglomeration/tama": ("foundingDate", Literal("2000")),
    ID + "obs/tama-association-members-2004-01-05-companies": ("value", Literal("297")),
    ID + "case/tama-01": ("caseNumber", Literal("1")),
    ID + "service/tama-information-network": ("startDate", Literal("平成10年度")),
}


@pytest.mark.parametrize("iri", MUTATED)
def test_a_real_resource_with_a_wrong_datatype_is_caught(iri: str) -> None:
    subject = URIRef(iri)
    name, value = WRONG_DATATYPE[iri]
    prop = URIRef(CKG + name)
    triples = {t for t in description(data_graph(), subject) if not (t[0] == subject and t[1] == prop)}
    report = validate(entry_of(triples | {(subject, prop, value)}), allow_existing=True)
    assert any(r.severity == "Violation" and r.focus == subject and r.path == prop for r in report.results), (
        report.to_text()
    )


@pytest.mark.parametrize("iri", MUTATED)
def test_a_real_resource_of_an_unknown_class_is_caught(iri: str) -> None:
    subject = URIRef(iri)
    triples = description(data_graph(), subject)
    typed = first(triples, lambda t: t[0] == subject and t[1] == RDF.type)
    report = validate(
        entry_of(mutate(triples, typed, (subject, RDF.type, URIRef(CKG + "NoSuchClass")))), allow_existing=True
    )
    assert found(report, RULES + "UnknownClass", subject), report.to_text()


@pytest.mark.parametrize("iri", MUTATED)
def test_a_real_resource_with_a_dangling_reference_is_caught(iri: str) -> None:
    subject = URIRef(iri)
    triples = description(data_graph(), subject)
    ref = first(triples, lambda t: t[0] == subject and t[1] != RDF.type and str(t[2]).startswith(ID))
    missing = URIRef(str(ref[2]) + "-does-not-exist")
    report = validate(entry_of(mutate(triples, ref, (subject, ref[1], missing))), allow_existing=True)
    assert found(report, SHAPES + "DanglingReference", subject), report.to_text()
    assert any(str(missing) in r.message("en") or "does-not-exist" in r.message("en") for r in report.results)


@pytest.mark.parametrize("iri", MUTATED)
def test_an_unmutated_real_resource_conforms(iri: str) -> None:
    report = validate(entry_of(description(data_graph(), URIRef(iri))), allow_existing=True)
    assert report.conforms, report.to_text()


# --- rules and reports ----------------------------------------------------------------------------------


def turtle(text: str) -> Entry:
    head = "@prefix ckg: <https://w3id.org/clusterkg/ont#> . @prefix cko: <https://w3id.org/clusterkg/id/org/> .\n"
    return read_entry((head + text).encode(), format_named("turtle"))


def test_unknown_properties_of_the_ontology_namespace_are_reported() -> None:
    report = validate(turtle("cko:x a ckg:SME ; ckg:fundingDate 2000 ."))
    assert (RULES + "UnknownProperty", ID + "org/x") in violations(report)


def test_a_term_under_the_project_iris_in_a_misspelt_namespace_is_a_violation() -> None:
    report = validate(
        turtle("cko:x a <https://w3id.org/clusterkg/ontology#SME> ; <https://w3id.org/clusterkg/ontology#anything> 1 .")
    )
    assert {(RULES + "UnknownClass", ID + "org/x"), (RULES + "UnknownProperty", ID + "org/x")} <= set(
        violations(report)
    )
    assert any("https://w3id.org/clusterkg/ont#" in r.message("en") for r in report.results)


def test_a_term_of_an_unknown_outside_vocabulary_is_a_warning() -> None:
    report = validate(turtle("cko:x a ckg:SME , <http://example.org/v#Firm> ; <http://example.org/v#size> 3 ."))
    warned = {
        r.message("en").split(" ")[0] for r in report.results if r.source_shape == URIRef(RULES + "UnknownVocabulary")
    }
    assert warned == {"<http://example.org/v#Firm>", "<http://example.org/v#size>"}
    assert all(r.severity == "Warning" for r in report.results if r.source_shape == URIRef(RULES + "UnknownVocabulary"))
    assert not [v for v in violations(report) if "UnknownVocabulary" in v[0]]


def test_terms_of_the_vocabularies_the_ontology_uses_are_not_warned_about() -> None:
    text = 'cko:x a ckg:SME , <http://schema.org/Organization> ; <http://purl.org/dc/terms/title> "X" .'
    report = validate(turtle(text))
    assert not [r for r in report.results if r.source_shape == URIRef(RULES + "UnknownVocabulary")]


def test_a_resource_without_a_type_is_reported() -> None:
    report = validate(turtle('cko:x ckg:role "chair" .'))
    assert (RULES + "UntypedResource", ID + "org/x") in violations(report)


def test_the_turtle_report_is_a_shacl_validation_report() -> None:
    report = validate(read(CASES / "invalid" / "missing-unit.ttl"))
    graph = Graph().parse(data=report.to_turtle(), format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    [node] = graph.subjects(RDF.type, URIRef(sh + "ValidationReport"))
    assert graph.value(node, URIRef(sh + "conforms")) == Literal(False)
    [result] = graph.objects(node, URIRef(sh + "result"))
    assert graph.value(result, URIRef(sh + "resultPath")) == URIRef(CKG + "unit")
    assert graph.value(result, URIRef(sh + "sourceShape")) == URIRef(SHAPES + "Observation-unit")
    assert graph.value(result, URIRef(sh + "resultSeverity")) == URIRef(sh + "Violation")
