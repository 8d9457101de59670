"""Example queries for the web page: a few built in, then every ``queries/**/*.rq`` file.

A file's title is its first comment line (``# Every class ...``), else its name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from ..sources import Resources

BUILT_IN = (
    (
        "Triples per named graph",
        "SELECT ?graph (COUNT(*) AS ?triples) WHERE {\n  GRAPH ?graph { ?s ?p ?o }\n}\n"
        "GROUP BY ?graph\nORDER BY ?graph",
    ),
    (
        "Classes and their number of instances",
        "SELECT ?class (COUNT(?s) AS ?instances) WHERE {\n  ?s a ?class .\n}\nGROUP BY ?class\n"
        "ORDER BY DESC(?instances)\nLIMIT 50",
    ),
    (
        "Clusters and agglomerations with their English labels",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?agglomeration ?label WHERE {\n"
        "  ?agglomeration rdfs:label ?label .\n"
        '  FILTER(STRSTARTS(STR(?agglomeration), "https://w3id.org/clusterkg/id/agglomeration/"))\n'
        '  FILTER(LANGMATCHES(LANG(?label), "en"))\n'
        "}\nORDER BY ?label",
    ),
    ("Any ten triples", "SELECT ?s ?p ?o WHERE {\n  ?s ?p ?o\n}\nLIMIT 10"),
)


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    query: str
    group: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)


def _title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#+ summary:"):  # a canned query's header (see catalogue.py)
            return stripped.removeprefix("#+ summary:").strip() or fallback
        if stripped.startswith("#"):
            return stripped.lstrip("#").strip() or fallback
        if stripped:
            break
    return fallback


def from_file(path: Path, queries_dir: Path) -> Example:
    text = path.read_text(encoding="utf-8")
    relative = path.relative_to(queries_dir).with_suffix("").as_posix()
    group = path.parent.relative_to(queries_dir).as_posix()
    return Example(relative, _title(text, path.stem.replace("-", " ")), text, "queries" if group == "." else group)


def load_examples(resources: Resources) -> list[Example]:
    examples = [Example(f"builtin-{i}", title, query, "examples") for i, (title, query) in enumerate(BUILT_IN)]
    if resources.queries_dir.is_dir():
        files = sorted(resources.queries_dir.glob("**/*.rq"))
        examples.extend(from_file(path, resources.queries_dir) for path in files)
    return examples
