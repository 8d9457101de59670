"""``clusterkg validate FILE...``: validate entries as the service does, and say so by the exit status.

Exit 0 when every file conforms, 1 when one does not, 2 when one cannot be read (the parse error, with its
line and column, goes to standard error). The work is ``entries/batch.py``'s.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..config import Settings
from ..entries.batch import UNREADABLE, check, render
from ..entries.reading import FORMAT_NAMES
from ..errors import ClusterKGError


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


COMMANDS = (validate,)
