"""Every fact in the graph is traceable to the passage of the source that states it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "ttl"
SOURCE = ROOT / "data" / "sources" / "chapter-2-3.txt"
CKG = Namespace("https://w3id.org/clusterkg/ont#")
OA = Namespace("http://www.w3.org/ns/oa#")
ID = "https://w3id.org/clusterkg/id/"
WHITESPACE = re.compile(r"\s+")  # \s covers U+3000 and line breaks

QB = Namespace("http://purl.org/linked-data/cube#")
# Resources that carry no fact of their own: the document structure, and the Data Cube structure of the data
# sets (which dimensions, measure and attributes their observations have).
STRUCTURAL = {
    CKG.Section,
    CKG.Footnote,
    CKG.Slide,
    CKG.Evidence,
    CKG.ExternalLink,
    QB.DataStructureDefinition,
    QB.ComponentSpecification,
}


def normalise(text: str) -> str:
    """The only normalisation allowed: drop the white space the text extraction put inside sentences."""
    return WHITESPACE.sub("", text)


@cache
def source_text() -> str:
    return normalise(SOURCE.read_text(encoding="utf-8"))


@cache
def data_graph() -> Graph:
    graph = Graph()
    for path in sorted(DATA.glob("**/*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def quotes() -> list[str]:
    return sorted({str(q) for q in data_graph().objects(None, OA.exact)})


def test_the_source_text_is_the_shared_seed() -> None:
    assert "クラスターについて" in source_text()


@pytest.mark.parametrize("quote", quotes())
def test_every_quote_occurs_in_the_source(quote: str) -> None:
    assert normalise(quote), "empty quote"
    assert normalise(quote) in source_text(), f"quote not found in data/sources/: {quote!r}"


def fact_bearing_resources() -> list[URIRef]:
    graph = data_graph()
    typed = {
        s
        for s, t in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and str(s).startswith(ID) and t not in STRUCTURAL
    }
    return sorted(typed)


def test_every_fact_bearing_resource_has_provenance() -> None:
    graph = data_graph()
    missing = [
        str(s)
        for s in fact_bearing_resources()
        if not any(
            (e, OA.exact, None) in graph and (e, CKG.inPassage, None) in graph for e in graph.objects(s, CKG.evidence)
        )
    ]
    assert not missing, f"{len(missing)} resources without evidence (quote + passage): {missing[:20]}"


def test_every_evidence_points_to_a_known_passage() -> None:
    graph = data_graph()
    passages = set(graph.subjects(RDF.type, CKG.Section)) | set(graph.subjects(RDF.type, CKG.Slide))
    passages |= set(graph.subjects(RDF.type, CKG.Footnote))
    unknown = {str(p) for p in graph.objects(None, CKG.inPassage) if p not in passages}
    assert not unknown, f"evidence points to passages that do not exist: {sorted(unknown)}"


# A statement's Japanese text is the source's words, condensed only by leaving words out. Each of its
# clauses (split at Japanese and Latin punctuation) that the source states must then be in the quotes.
CLAUSE = re.compile(r"[、。，,；;：:「」（）()]")


def unquoted_clauses(statement: str, quoted: str) -> list[str]:
    clauses = CLAUSE.split(normalise(statement))
    return [c for c in clauses if len(c) >= 6 and c not in quoted and c in source_text()]


def test_unquoted_clauses_are_found() -> None:
    assert unquoted_clauses("協会は会費制をとっており、月に一度集まる。", "会費制") == ["協会は会費制をとっており"]
    assert unquoted_clauses("協会は会費制をとっており。", "協会は会費制をとっており") == []


def test_every_clause_of_a_statement_the_source_states_is_quoted() -> None:
    graph = data_graph()
    missing = []
    for resource, statement in graph.subject_objects(CKG.statementText):
        if getattr(statement, "language", None) != "ja":
            continue
        quoted = "|".join(
            normalise(str(q)) for e in graph.objects(resource, CKG.evidence) for q in graph.objects(e, OA.exact)
        )
        missing += [f"{resource}: {clause}" for clause in unquoted_clauses(str(statement), quoted)]
    assert not missing, f"{len(missing)} clauses stated but not quoted: {missing[:10]}"
