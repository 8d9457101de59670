"""An independent SHACL engine, rdf-validate-shacl (Zazuko, JavaScript; tests/js/validate.mjs), agrees with
pySHACL on the whole graph and on every example: same conformance and the same results (focus node, shape,
constraint component, severity).

Both run without inference, with the ontology and the concept schemes in the data graph (rdf-validate-shacl
has no inference; SHACL's own use of rdfs:subClassOf covers the class hierarchy). The shapes use no
SHACL-SPARQL, which rdf-validate-shacl does not support, so every shape is compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from graphfiles import EXAMPLES_DIR, shape_files
from shacl_runs import (
    Result,
    about,
    class_graph,
    entry_subjects,
    js_results,
    neighbourhood,
    pyshacl_results,
    whole_graph,
)

EXAMPLES = sorted((EXAMPLES_DIR / "valid").glob("*.ttl")) + sorted((EXAMPLES_DIR / "invalid").glob("*.ttl"))


def no_violation(results: set[Result]) -> bool:
    return not any(r.is_violation for r in results)


def difference(python: set[Result], javascript: set[Result]) -> str:
    only_py = "\n".join(f"  pySHACL only: {r}" for r in sorted(python - javascript)[:30])
    only_js = "\n".join(f"  rdf-validate-shacl only: {r}" for r in sorted(javascript - python)[:30])
    return f"{only_py}\n{only_js}"


@pytest.fixture(scope="module")
def whole_graph_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[Result], bool, set[Result]]:
    """Both engines on the same graph (written once, so both read exactly the same triples)."""
    graph = whole_graph()
    file = tmp_path_factory.mktemp("whole") / "graph.ttl"
    graph.serialize(file, format="turtle", encoding="utf-8")
    python = pyshacl_results(graph)
    [(js_conforms, javascript)] = js_results([(shape_files(), [file])])
    return python, js_conforms, javascript


def test_both_validators_give_the_same_results_on_the_whole_graph(
    whole_graph_reports: tuple[set[Result], bool, set[Result]],
) -> None:
    python, _, javascript = whole_graph_reports
    assert python == javascript, difference(python, javascript)


def test_both_validators_agree_whether_the_whole_graph_conforms(
    whole_graph_reports: tuple[set[Result], bool, set[Result]],
) -> None:
    python, js_conforms, javascript = whole_graph_reports
    assert no_violation(python) == no_violation(javascript)
    assert js_conforms == (not python), "rdf-validate-shacl's sh:conforms counts warnings too"


@pytest.fixture(scope="module")
def example_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, tuple[set[Result], set[Result]]]:
    """Each example in its neighbourhood (with the ontology), validated by both engines."""
    folder = tmp_path_factory.mktemp("examples")
    graphs: dict[Path, tuple[Graph, set[str]]] = {}
    for path in EXAMPLES:
        entry = Graph().parse(path, format="turtle")
        graph = neighbourhood(entry)
        graph += class_graph()
        graphs[path] = (graph, entry_subjects(entry) | {"_:"})
    files = []
    for index, (graph, _) in enumerate(graphs.values()):
        files.append(folder / f"example-{index}.ttl")
        graph.serialize(files[-1], format="turtle", encoding="utf-8")
    javascript = js_results([(shape_files(), [file]) for file in files])
    return {
        path: (about(pyshacl_results(graph), focus), about(js, focus))
        for (path, (graph, focus)), (_, js) in zip(graphs.items(), javascript, strict=True)
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_both_validators_give_the_same_results_on_the_example(
    path: Path, example_reports: dict[Path, tuple[set[Result], set[Result]]]
) -> None:
    python, javascript = example_reports[path]
    assert python == javascript, difference(python, javascript)
    assert no_violation(python) == (path.parent.name == "valid")
