"""``clusterkg links generate|check`` and ``clusterkg mappings``: the external identifiers."""

from __future__ import annotations

from pathlib import Path

import click

from ..dataset import identifiers as links
from ..dataset import sssom as mappings
from ..errors import BadParameter
from ..sources import locate
from .options import reports_errors, source_dir_option


@click.group(name="links")
def links_group() -> None:
    """External identifiers: data/ttl/links.ttl from data/links/*.csv."""


@links_group.command()
@source_dir_option
@reports_errors
def generate(source_dir: Path | None) -> None:
    """Write data/ttl/links.ttl from the verified list and the entity map."""
    try:
        path = links.write(locate(source_dir).root)
    except links.LinkError as error:
        raise BadParameter(str(error)) from None
    click.echo(f"wrote {path}")


@links_group.command()
@source_dir_option
@reports_errors
def check(source_dir: Path | None) -> None:
    """Fail if data/ttl/links.ttl differs from what the lists generate."""
    root = locate(source_dir).root
    if (root / links.LINKS_TTL).read_text(encoding="utf-8") != links.generate(root):
        raise BadParameter("data/ttl/links.ttl is out of date: run `clusterkg links generate`.")
    click.echo("data/ttl/links.ttl is up to date")


@click.command(name="mappings")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@source_dir_option
@reports_errors
def mappings_command(output: Path | None, source_dir: Path | None) -> None:
    """Print the external identifiers as an SSSOM mapping table (TSV with its YAML metadata block)."""
    text = mappings.export(locate(source_dir).root)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


COMMANDS = (links_group, mappings_command)
