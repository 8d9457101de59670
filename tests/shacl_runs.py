"""Running the SHACL shapes with pySHACL and with an independent engine (rdf-validate-shacl, in Node).

Results are reduced to comparable tuples: focus node (blank nodes as "_:", since their labels differ
between parsers), source shape, constraint component and severity.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyshacl import validate
from rdflib import RDF, RDFS, SH, BNode, Graph, URIRef

from graphfiles import ONTOLOGY_DIR, ROOT, data_graph, load, shapes_graph

JS_DIR = ROOT / "tests" / "js"
INSTANCES = "https://w3id.org/clusterkg/id/"
CONCEPT_FILES = (ONTOLOGY_DIR / "concepts.ttl", ONTOLOGY_DIR / "indicators.ttl", ONTOLOGY_DIR / "explanations.ttl")
CLASSES_FILE = ONTOLOGY_DIR / "clusterkg.ttl"


@dataclass(frozen=True, order=True)
class Result:
    focus: str
    shape: str
    component: str
    severity: str

    @property
    def is_violation(self) -> bool:
        return self.severity == str(SH.Violation)

    def __str__(self) -> str:
        short = self.shape.rsplit("#", 1)[-1]
        return f"{self.severity.rsplit('#', 1)[-1]} {short} ({self.component.rsplit('#', 1)[-1]}) on {self.focus}"


@cache
def class_graph() -> Graph:
    """The ontology (classes and properties), without the concept schemes."""
    return load((CLASSES_FILE,))


@cache
def concept_graph() -> Graph:
    """The SKOS concept schemes: instance data that value checks (skos:inScheme) need in the data graph."""
    return load(CONCEPT_FILES)


def _term(node: object) -> str:
    return "_:" if isinstance(node, BNode) else str(node)


def pyshacl_results(data: Graph, *, ont_graph: Graph | None = None, inference: str = "none") -> set[Result]:
    """Top-level results (not the details of nested shapes) of validating `data` with all shapes.

    pySHACL's `focus_nodes` option is not used: pySHACL 0.40 applies it to the value nodes of nested shapes
    too (sh:node, sh:or, sh:not, sh:qualifiedValueShape), which then count as conforming, so real
    violations are missed. Select the results by focus node instead (`about`).
    """
    _, report, _ = validate(
        data,
        shacl_graph=shapes_graph(),
        ont_graph=ont_graph,
        inference=inference,
        allow_warnings=True,
    )
    details = set(report.objects(None, SH.detail))
    return {
        Result(
            _term(report.value(r, SH.focusNode)),
            _term(report.value(r, SH.sourceShape)),
            _term(report.value(r, SH.sourceConstraintComponent)),
            _term(report.value(r, SH.resultSeverity)),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
        if r not in details
    }


def whole_graph() -> Graph:
    """Data, concept schemes and ontology in one graph: what a validator without inference needs."""
    graph = Graph()
    graph += data_graph()
    graph += concept_graph()
    graph += class_graph()
    return graph


def neighbourhood(entry: Graph) -> Graph:
    """An entry with the concept schemes and the types and labels of the graph's resources it refers to:
    the context in which a submitted entry is validated (with the ontology as ont_graph)."""
    graph = Graph()
    graph += entry
    graph += concept_graph()
    real = data_graph()
    for node in set(entry.subjects()) | set(entry.objects()):
        if isinstance(node, URIRef) and str(node).startswith(INSTANCES):
            for predicate in (RDF.type, RDFS.label):
                for value in real.objects(node, predicate):
                    graph.add((node, predicate, value))
    return graph


def entry_subjects(entry: Graph) -> set[str]:
    """The named resources an entry describes."""
    return {str(s) for s in entry.subjects() if isinstance(s, URIRef)}


def about(results: set[Result], focus: set[str]) -> set[Result]:
    """The results whose focus node is one of `focus` (or a blank node, if "_:" is among them)."""
    return {r for r in results if r.focus in focus}


def ensure_js_dependencies() -> None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise RuntimeError("node and npm are needed for the independent SHACL validator (tests/js)")
    if not (JS_DIR / "node_modules" / "rdf-validate-shacl").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True, capture_output=True)


def js_results(jobs: list[tuple[list[Path], list[Path]]]) -> list[tuple[bool, set[Result]]]:
    """Validate each (shapes files, data files) job with rdf-validate-shacl; one Node process for all."""
    ensure_js_dependencies()
    payload = [{"shapes": [str(p) for p in shapes], "data": [str(p) for p in data]} for shapes, data in jobs]
    done = subprocess.run(
        ["node", str(JS_DIR / "validate.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
    )
    reports = json.loads(done.stdout)
    return [
        (
            report["conforms"],
            {Result(r["focus"], r["shape"], r["component"], r["severity"]) for r in report["results"]},
        )
        for report in reports
    ]
