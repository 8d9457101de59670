"""Validate entry files as the service validates entries, and report on each: ``clusterkg validate``'s work.

The neighbourhood of the entries (the resources they refer to) comes from the store the settings
describe if there is one (a remote endpoint, or the embedded store opened read-only, so a running
server does not matter), else from the ontology and data files themselves.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import ClusterKGError, StoreNotBuilt
from ..sources import locate
from ..store import open_store
from .jsonld import build_context
from .neighbourhood import ContextSource, MemoryContext, StoreContext
from .reading import Entry, format_for_path, format_named, read_entry
from .reports import Report
from .validation import EntryValidator

CONFORMS, DOES_NOT_CONFORM, UNREADABLE = 0, 1, 2


@dataclass(frozen=True)
class Outcome:
    path: Path
    report: Report | None = None
    error: ClusterKGError | None = None

    @property
    def status(self) -> int:
        if self.report is None:
            return UNREADABLE
        return CONFORMS if self.report.conforms else DOES_NOT_CONFORM

    def to_json(self) -> dict[str, Any]:
        if self.report is not None:
            return {"file": str(self.path), **self.report.to_json()}
        assert self.error is not None
        return {"file": str(self.path), **self.error.to_json()}


@contextmanager
def context_source(settings: Settings) -> Iterator[tuple[ContextSource, str]]:
    """The best neighbourhood available, and a description of it."""
    try:
        store = open_store(settings, read_only=True)
    except StoreNotBuilt:
        resources = locate(settings.source_dir)
        yield MemoryContext.from_sources(resources), f"the ontology and data files in {resources.root}"
        return
    try:
        yield StoreContext(store, settings.query_timeout), store.description
    finally:
        store.close()


def read_file(path: Path, input_format: str | None, context: dict[str, Any]) -> Entry:
    fmt = format_named(input_format) if input_format else format_for_path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ClusterKGError(f"Cannot read {path}: {error.strerror or error}") from None
    return read_entry(data, fmt, context, max_bytes=max(len(data), 1))


def check(
    paths: list[Path], input_format: str | None, settings: Settings, lang: str, allow_existing: bool
) -> tuple[list[Outcome], str]:
    validator = EntryValidator.load(locate(settings.source_dir))
    context = build_context(validator.vocabulary)
    outcomes = []
    with context_source(settings) as (source, description):
        for path in paths:
            try:
                entry = read_file(path, input_format, context)
            except ClusterKGError as error:
                outcomes.append(Outcome(path, error=error))
                continue
            outcomes.append(Outcome(path, validator.validate(entry, source, lang, allow_existing)))
    return outcomes, description


def render(outcomes: list[Outcome], output: str, lang: str, description: str) -> str:
    reports = [outcome for outcome in outcomes if outcome.report is not None]
    if output == "json":
        data = [outcome.to_json() for outcome in outcomes]
        return json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2) + "\n"
    if output == "turtle":
        graph = None
        for outcome in reports:
            assert outcome.report is not None
            graph = outcome.report.to_graph() if graph is None else graph + outcome.report.to_graph()
        return graph.serialize(format="turtle") if graph is not None else ""
    blocks = []
    for outcome in reports:
        assert outcome.report is not None
        header = f"== {outcome.path}" if len(outcomes) > 1 else None
        blocks.append("\n".join(filter(None, [header, outcome.report.to_text()])))
    note = f"(検証の文脈: {description})" if lang == "ja" else f"(validated with {description})"
    return "\n".join([*blocks, note]) + "\n" if blocks else ""
