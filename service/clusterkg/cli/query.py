"""``clusterkg query``: list the canned queries, or run one with ``--param key=value``.

It calls the same functions as ``GET /queries/{name}`` (``canned/runner.py``), against the embedded store
(opened read-only, so it works while a server runs) or a remote endpoint, so both give the same rows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..canned.catalogue import Catalogue
from ..canned.parameters import bad
from ..canned.runner import CannedQueries, Page, choose_format
from ..formats import Kind, names
from ..sources import locate
from ..store import open_store
from ..store.base import QueryResult
from .options import data_dir_option, endpoint_option, make_settings, reports_errors, source_dir_option
from .output import render_table

FORMATS = ("table", *names(Kind.RESULTS, Kind.GRAPH))


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """``("org=https://...", "lang=ja")`` as a mapping; a pair without ``=`` or given twice is refused."""
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise bad(key, "must be given as KEY=VALUE")
        if key in params:
            raise bad(key, "is given more than once")
        params[key] = value
    return params


def render_catalogue(catalogue: Catalogue) -> str:
    """One paragraph per query: name and summary, its tags, then its parameters with their defaults."""
    blocks = []
    for query in catalogue:
        lines = [f"{query.name}  {query.header.summary}", f"    tags: {', '.join(query.header.tags)}"]
        for name, spec in query.header.parameters.items():
            default = "required" if spec.is_required else f"default {spec.default}" if spec.default else "optional"
            choices = f" ({'|'.join(spec.enum)})" if spec.enum else ""
            lines.append(f"    --param {name}=<{spec.type}>{choices}  {default}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


@click.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A parameter of the query.")
@click.option("--format", "output", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--limit", type=int, help="Rows to return (default 1000).")
@click.option("--offset", type=int, help="Rows to skip.")
@data_dir_option
@endpoint_option
@source_dir_option
@reports_errors
def query(
    *,
    name: str | None,
    params: tuple[str, ...],
    output: str,
    limit: int | None,
    offset: int | None,
    data_dir: Path | None,
    endpoint: str | None,
    source_dir: Path | None,
) -> None:
    """List the canned queries, or run the one called NAME and print its answer.

    table prints an aligned table; json, csv, tsv and xml the SPARQL results formats, for scripts.
    Example: clusterkg query membership-over-time --param org=https://w3id.org/clusterkg/id/org/ivam
    """
    settings = make_settings(data_dir=data_dir, sparql_endpoint=endpoint, source_dir=source_dir)
    catalogue = Catalogue.load(locate(settings.source_dir).queries_dir)
    if name is None:
        click.echo(render_catalogue(catalogue))
        return
    fmt = choose_format(catalogue.get(name), "json" if output == "table" else output)
    page = Page.of(limit, offset, settings.max_result_rows)
    store = open_store(settings, read_only=True, build_if_missing=True)
    try:
        canned = CannedQueries.from_settings(catalogue, store, settings)
        answer = canned.run_sync(canned.prepare(name, parse_params(params), fmt, page))
    finally:
        store.close()
    if output == "table":
        click.echo(render_table(QueryResult(answer.body, "json", answer.count)))
    else:
        click.echo(answer.body, nl=False)
    if answer.has_next:
        click.echo(f"(more rows: --offset {page.offset + page.limit})", err=True)
        sys.stderr.flush()


COMMANDS = (query,)
