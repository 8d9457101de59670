"""``clusterkg validate FILE...``: validate entries as the service does, and say so by the exit status.

Exit 0 when every file conforms, 1 when one does not, 2 when one cannot be read (the parse error, with its
line and column, goes to standard error). The neighbourhood of the entries (the resources they refer to)
comes from ``--endpoint`` if given, else from the embedded store in ``--data-dir`` if it has been built
(opened read-only, so a running server does not matter), else from the ontology and data files themselves.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from ..config import Settings
from ..entries.jsonld import build_context
from ..entries.neighbourhood import ContextSource, MemoryContext, StoreContext
from ..entries.reading import FORMAT_NAMES, Entry, format_for_path, format_named, read_entry
from ..entries.reports import Report
from ..entries.validation import EntryValidator
from ..errors import ClusterKGError
from ..sources import locate
from ..store.embedded import EmbeddedStore
from ..store.remote import RemoteStore

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
    if settings.is_remote:
        remote = RemoteStore.from_settings(settings)
        yield StoreContext(remote, settings.query_timeout), remote.description
        return
    embedded = EmbeddedStore.from_settings(settings, workers=0, read_only=True)
    if embedded.exists:
        embedded.start()
        try:
            yield StoreContext(embedded, settings.query_timeout), embedded.description
        finally:
            embedded.close()
        return
    resources = locate(settings.source_dir)
    yield MemoryContext.from_sources(resources), f"the ontology and data files in {resources.root}"


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


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="The report: readable text, JSON (as POST /validate answers), or a SHACL sh:ValidationReport in Turtle.",
)
@click.option(
    "--lang", type=click.Choice(["en", "ja"]), default="en", show_default=True, help="Language of the messages."
)
@click.option(
    "--input-format",
    type=click.Choice(FORMAT_NAMES),
    help="Format of the files (default: by extension: .ttl, .jsonld/.json, .nt, .rdf/.xml).",
)
@click.option(
    "--data-dir", type=click.Path(file_okay=False, path_type=Path), help="Embedded store to read the graph from."
)
@click.option("--endpoint", help="Read the graph from this SPARQL 1.1 endpoint instead [CLUSTERKG_SPARQL_ENDPOINT].")
@click.option(
    "--source-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Directory with ontology/ (shapes) and data/ttl/ (default: the checkout or the installed package).",
)
@click.option(
    "--allow-existing",
    is_flag=True,
    help="Let the files describe resources the graph already has (to re-check existing data, not new cases).",
)
def validate(
    *,
    files: tuple[Path, ...],
    output: str,
    lang: str,
    input_format: str | None,
    data_dir: Path | None,
    endpoint: str | None,
    source_dir: Path | None,
    allow_existing: bool,
) -> None:
    """Validate entries (new cases) against the shapes, the ontology and the graph they refer to.

    Exit status: 0 every file conforms, 1 a file does not conform, 2 a file cannot be read.
    """
    overrides: dict[str, Any] = {"data_dir": data_dir, "sparql_endpoint": endpoint, "source_dir": source_dir}
    settings = Settings(**{key: value for key, value in overrides.items() if value is not None})
    try:
        outcomes, description = check(list(files), input_format, settings, lang, allow_existing)
    except ClusterKGError as error:
        click.echo(f"error ({error.code}): {error.message}", err=True)
        sys.exit(UNREADABLE)
    for outcome in outcomes:
        if outcome.error is not None:
            click.echo(f"{outcome.path}: {outcome.error.message}", err=True)
    click.echo(render(outcomes, output, lang, description), nl=False)
    sys.exit(max(outcome.status for outcome in outcomes))
