"""Term completion for the query editor, answered from our own store: the classes, properties and concepts
whose IRI starts with what was typed, with their labels. No outside vocabulary service is asked.

What was typed is a full IRI start (``https://w3id.org/clusterkg/ont#Clu``) or a prefixed name with one of
the known prefixes (``ckg:Clu``).

>>> expand("ckg:Clu")
'https://w3id.org/clusterkg/ont#Clu'
>>> expand("<https://w3id.org/clusterkg/ont#Clu")
'https://w3id.org/clusterkg/ont#Clu'
>>> expand("nope:Clu")
Traceback (most recent call last):
clusterkg.errors.BadParameter: Unknown prefix nope: in 'nope:Clu'; use a full IRI or one of the prefixes of /sparql's editor.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pyoxigraph import Literal
from rdflib.term import Node

from ..canned.binding import QueryShape
from ..errors import BadParameter
from ..namespaces import PREFIXES
from ..store import Store
from .describe import select

KINDS = ("class", "property", "concept")
QUERY_FILE = Path(__file__).resolve().parent / "completions.rq"
MAX_TYPED = 500


@dataclass(frozen=True)
class Completion:
    iri: str
    kind: str
    curie: str | None
    labels: dict[str, str]

    def to_json(self) -> dict[str, object]:
        return {"iri": self.iri, "kind": self.kind, "curie": self.curie, "label": self.labels}


@cache
def query_shape() -> QueryShape:
    return QueryShape.of(QUERY_FILE.read_text(encoding="utf-8"))


def expand(typed: str) -> str:
    """The IRI start that ``typed`` stands for."""
    text = typed.strip().removeprefix("<")
    if text.startswith(("http://", "https://", "urn:")):
        return text
    prefix, colon, local = text.partition(":")
    if not colon or prefix not in PREFIXES:
        raise BadParameter(
            f"Unknown prefix {prefix}: in {typed!r}; use a full IRI or one of the prefixes of /sparql's editor."
        )
    return PREFIXES[prefix] + local


def curie(iri: str) -> str | None:
    """The shortest prefixed name of ``iri`` with a known prefix (None when none fits)."""
    names = [f"{p}:{iri[len(ns) :]}" for p, ns in PREFIXES.items() if iri.startswith(ns)]
    return min(names, key=len) if names else None


def check(typed: str, kind: str | None) -> None:
    if not typed.strip():
        raise BadParameter("prefix is required: the start of an IRI or of a prefixed name, such as ckg:Clu.")
    if len(typed) > MAX_TYPED:
        raise BadParameter(f"prefix is longer than {MAX_TYPED} characters.")
    if kind is not None and kind not in KINDS:
        raise BadParameter(f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.")


def _completion(row: dict[str, Node]) -> Completion:
    iri = str(row["term"])
    labels = {lang: str(row[f"label_{lang}"]) for lang in ("en", "ja") if f"label_{lang}" in row}
    return Completion(iri, str(row["kind"]), curie(iri), labels)


async def complete(store: Store, typed: str, kind: str | None = None, limit: int = 50) -> list[Completion]:
    """Up to ``limit`` terms of ``kind`` (any kind if None) whose IRI starts with ``typed``, shortest first."""
    check(typed, kind)
    shape = query_shape()
    bound = shape.bind({"start": Literal(expand(typed)), "kind": None if kind is None else Literal(kind)})
    rows = await select(store, shape.page(bound, limit=limit))
    return [_completion(row) for row in rows]
