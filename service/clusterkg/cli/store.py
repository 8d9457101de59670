"""``clusterkg build`` and ``clusterkg sparql``: load the sources into a store, query a store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import Settings
from ..formats import Kind, names
from ..logging import configure
from ..sources import locate
from ..store import open_store
from ..store.base import QueryJob, QueryResult
from ..store.build import build as build_store
from .options import (
    data_dir_option,
    endpoint_option,
    make_settings,
    remote_write_options,
    reports_errors,
    source_dir_option,
)
from .output import render_table


@click.command()
@data_dir_option
@remote_write_options
@click.option("--gsp-endpoint", help="Graph Store Protocol endpoint; if given, graphs are uploaded with PUT.")
@click.option("--force", is_flag=True, help="Reload every file, even unchanged ones.")
@source_dir_option
@reports_errors
def build(
    *,
    data_dir: Path | None,
    endpoint: str | None,
    update_endpoint: str | None,
    gsp_endpoint: str | None,
    user: str | None,
    password: str | None,
    force: bool,
    source_dir: Path | None,
) -> None:
    """Load ontology/*.ttl and data/ttl/**/*.ttl into the store, each file in its own named graph.

    Unchanged files are skipped (a manifest of content hashes is kept in the graph
    https://w3id.org/clusterkg/graph/meta); graphs of deleted files are dropped. Running it twice
    gives the same store. With --endpoint the graphs are loaded into that SPARQL server instead.
    """
    settings = make_settings(
        data_dir=data_dir,
        sparql_endpoint=endpoint,
        sparql_update_endpoint=update_endpoint,
        sparql_gsp_endpoint=gsp_endpoint,
        sparql_user=user,
        sparql_password=password,
        source_dir=source_dir,
    )
    configure(settings.log_level)
    store = open_store(settings)
    try:
        report = build_store(store, locate(settings.source_dir), force=force)
        click.echo(f"{store.description}: {report.summary()}; {store.triple_count()} triples")
    finally:
        store.close()


OUTPUT_FORMATS = ("table", *names(Kind.RESULTS, Kind.GRAPH))


@click.command()
@click.argument("query")
@click.option("--format", "output", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True)
@data_dir_option
@endpoint_option
@click.option("--query-timeout", type=float, help="Seconds the query may run (remote endpoint).")
@reports_errors
def sparql(query: str, output: str, data_dir: Path | None, endpoint: str | None, query_timeout: float | None) -> None:
    """Run a SPARQL query and print the answer. QUERY is the query text, @FILE to read it from a file,
    or - to read it from standard input.

    table prints SELECT results as an aligned table (and graphs as Turtle); json, csv, tsv and xml are the
    SPARQL results formats; turtle, ntriples, jsonld and rdfxml are for CONSTRUCT and DESCRIBE.
    The embedded store is opened read-only, so this works while a server is running.
    """
    settings = make_settings(data_dir=data_dir, sparql_endpoint=endpoint, query_timeout=query_timeout)
    text = read_query(query)
    result = run_query(settings, text, "json" if output == "table" else output)
    if output == "table":
        click.echo(render_table(result))
    else:
        click.echo(result.body, nl=False)  # bytes as they are (CSV keeps its CRLF line ends)


def read_query(argument: str) -> str:
    if argument == "-":
        return sys.stdin.read()
    if argument.startswith("@"):
        return Path(argument[1:]).read_text(encoding="utf-8")
    return argument


def run_query(settings: Settings, text: str, fmt: str) -> QueryResult:
    job = QueryJob(text, fmt, max_rows=settings.max_result_rows, timeout=settings.query_timeout)
    store = open_store(settings, read_only=True, build_if_missing=True)
    try:
        return store.query_sync(job)
    finally:
        store.close()


COMMANDS = (build, sparql)
