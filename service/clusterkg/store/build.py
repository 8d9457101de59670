"""Build a store from the source files: each file into its own named graph, unchanged files skipped.

Loads ``ontology/*.ttl`` and ``data/ttl/**/*.ttl``. A file is replaced in its graph in one update
(drop, insert, manifest record), so a rebuild is idempotent; graphs of files that no longer exist are
dropped, except the protected ones (``.../graph/cases/``, ``.../graph/import/``), which hold data that
does not come from the source files. The one change a build makes to an import graph: one whose import was
interrupted (it still has its pending record, see ``dataset/imports.py``) is dropped, so that an import is
all or nothing even when its process was killed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize

from ..errors import BuildError
from ..namespaces import graph_for_source, is_protected
from ..sources import Resources
from . import updates
from .base import QueryJob, SourceRecord, Store

log = logging.getLogger("clusterkg.build")


@dataclass
class BuildReport:
    loaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.loaded or self.dropped)

    def summary(self) -> str:
        summary = f"{len(self.loaded)} loaded, {len(self.unchanged)} unchanged, {len(self.dropped)} dropped"
        return summary + (f", {len(self.unfinished)} unfinished imports dropped" if self.unfinished else "")


def to_ntriples(path: Path, base_iri: str) -> str:
    """The file's triples as N-Triples (the text an ``INSERT DATA`` can hold); ``BuildError`` if unreadable."""
    try:
        triples = [quad.triple for quad in parse(path=str(path), format=RdfFormat.TURTLE, base_iri=base_iri)]
    except (SyntaxError, OSError, ValueError) as error:
        raise BuildError(f"Cannot load {path}: {error}", path=str(path)) from None
    return (serialize(triples, format=RdfFormat.N_TRIPLES) or b"").decode()


def source_records(resources: Resources) -> list[tuple[Path, SourceRecord]]:
    records = []
    for path in resources.source_files():
        relative = resources.relative(path)
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        records.append((path, SourceRecord(graph_for_source(relative), relative, sha256)))
    return records


def build(store: Store, resources: Resources, force: bool = False) -> BuildReport:
    """Bring the store up to date with the source files under ``resources``."""
    report = BuildReport(unfinished=drop_unfinished_imports(store))
    known = store.source_records()
    wanted = source_records(resources)
    for path, record in wanted:
        if not force and known.get(record.graph) == record:
            report.unchanged.append(record.path)
            continue
        store.replace_graph(record, to_ntriples(path, record.graph))
        report.loaded.append(record.path)
        log.info("loaded %s into <%s>", record.path, record.graph)
    current = {record.graph for _, record in wanted}
    for graph in sorted(set(known) - current):
        if not is_protected(graph):
            store.drop_graph(graph)
            report.dropped.append(graph)
            log.info("dropped <%s>: its source file is gone", graph)
    return report


def unfinished_imports(store: Store) -> list[str]:
    """Import graphs whose import never finished (their process was killed or failed mid-way)."""
    answer = json.loads(store.query_sync(QueryJob(updates.UNFINISHED_IMPORTS_QUERY, "json")).body)
    return sorted({row["graph"]["value"] for row in answer["results"]["bindings"]})


def drop_unfinished_imports(store: Store) -> list[str]:
    """Drop every unfinished import with its pending record; the graphs dropped."""
    graphs = unfinished_imports(store)
    for graph in graphs:
        store.drop_graph(graph)  # with its records in the meta graph, the pending one too
        log.warning("dropped <%s>: its import did not finish", graph)
    return graphs
