"""The ``clusterkg`` command: ``serve``, ``build`` and ``sparql``.

Options override the ``CLUSTERKG_*`` environment variables, which override the defaults.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import __version__
from ..config import Settings
from ..errors import ClusterKGError
from ..formats import Kind, names
from ..logging import configure
from ..sources import locate
from ..store.base import QueryJob, QueryResult, Store
from ..store.build import build as build_store
from ..store.embedded import EmbeddedStore
from ..store.remote import RemoteStore

F = TypeVar("F", bound=Callable[..., Any])


def make_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with the options that were given on the command line on top."""
    return Settings(**{key: value for key, value in overrides.items() if value is not None})


def reports_errors(command: F) -> F:
    """Print a ``ClusterKGError`` as one line on stderr and exit 1, instead of a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ClusterKGError as error:
            click.echo(f"error ({error.code}): {error.message}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


data_dir_option = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of the embedded store [CLUSTERKG_DATA_DIR].",
)
endpoint_option = click.option(
    "--endpoint",
    help="Use this remote SPARQL 1.1 query endpoint instead of the embedded store [CLUSTERKG_SPARQL_ENDPOINT].",
)
source_dir_option = click.option(
    "--source-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Directory with ontology/ and data/ttl/ (default: the checkout, or the copy in the installed package).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="clusterkg")
def main() -> None:
    """ClusterKG: a knowledge graph of industrial-cluster policy and its SPARQL 1.1 endpoint.

    Every option can also be set with a CLUSTERKG_* environment variable (see README.md).
    """


@main.command()
@click.option("--host", help="Address to listen on [CLUSTERKG_HOST, default 127.0.0.1].")
@click.option("--port", type=int, help="Port to listen on [CLUSTERKG_PORT, default 8000].")
@data_dir_option
@endpoint_option
@click.option("--update-endpoint", help="Remote SPARQL 1.1 update endpoint [CLUSTERKG_SPARQL_UPDATE_ENDPOINT].")
@click.option("--user", help="User name for the remote endpoint [CLUSTERKG_SPARQL_USER].")
@click.option("--password", help="Password for the remote endpoint [CLUSTERKG_SPARQL_PASSWORD].")
@click.option("--query-timeout", type=float, help="Seconds a query may run [CLUSTERKG_QUERY_TIMEOUT, default 30].")
@click.option(
    "--workers", "query_workers", type=int, help="Query worker processes [CLUSTERKG_QUERY_WORKERS, default 2]."
)
@click.option(
    "--http-workers", type=int, help="HTTP server processes [CLUSTERKG_HTTP_WORKERS, default 1; 2 on 2 cores]."
)
@source_dir_option
@reports_errors
def serve(host: str | None, port: int | None, data_dir: Path | None, endpoint: str | None, **options: Any) -> None:
    """Serve the SPARQL endpoint, the query page and the API on http://HOST:PORT.

    With the embedded store (default) the store in --data-dir is built from the sources first if it is
    missing or a source file changed. With --endpoint the service runs in front of that SPARQL server
    (load it with `clusterkg build --endpoint URL`).
    """
    import uvicorn  # noqa: PLC0415 - not needed by the other commands

    from ..app import create_app  # noqa: PLC0415

    overrides = {
        "host": host,
        "port": port,
        "data_dir": data_dir,
        "sparql_endpoint": endpoint,
        "sparql_update_endpoint": options["update_endpoint"],
        "sparql_user": options["user"],
        "sparql_password": options["password"],
        "query_timeout": options["query_timeout"],
        "query_workers": options["query_workers"],
        "http_workers": options["http_workers"],
        "source_dir": options["source_dir"],
    }
    settings = make_settings(**overrides)
    if settings.http_workers > 1:
        serve_processes(settings, overrides)
        return
    app = create_app(settings)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level, access_log=False)


def serve_processes(settings: Settings, overrides: dict[str, Any]) -> None:
    """Several HTTP processes sharing the port (uvicorn's ``workers``), each with its own app and query
    workers over the shared store (``store/shared.py``). The store is built here, once, before they start;
    they read their settings from the environment, which gets the command-line options."""
    import uvicorn  # noqa: PLC0415

    configure(settings.log_level)
    if not settings.is_remote and settings.build_on_start:
        store = EmbeddedStore.from_settings(settings, workers=0)
        store.start()
        try:
            report = build_store(store, locate(settings.source_dir))
            click.echo(f"{store.description}: {report.summary()}", err=True)
        finally:
            store.close()
    for name, value in overrides.items():
        if value is not None:
            os.environ[f"CLUSTERKG_{name.upper()}"] = str(value)
    os.environ["CLUSTERKG_BUILD_ON_START"] = "false"
    uvicorn.run(
        "clusterkg.app:app_from_environment",
        factory=True,
        workers=settings.http_workers,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
    )


@main.command()
@data_dir_option
@endpoint_option
@click.option("--update-endpoint", help="Update endpoint (default: the query URL with /query replaced by /update).")
@click.option("--gsp-endpoint", help="Graph Store Protocol endpoint; if given, graphs are uploaded with PUT.")
@click.option("--user", help="User name for the remote endpoint.")
@click.option("--password", help="Password for the remote endpoint.")
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
    store = (
        RemoteStore.from_settings(settings) if settings.is_remote else EmbeddedStore.from_settings(settings, workers=0)
    )
    store.start()
    try:
        report = build_store(store, locate(settings.source_dir), force=force)
        click.echo(f"{store.description}: {report.summary()}; {store.triple_count()} triples")
    finally:
        store.close()


OUTPUT_FORMATS = ("table", *names(Kind.RESULTS, Kind.GRAPH))


@main.command()
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
    with reading_store(settings) as store:
        return store.query_sync(job)


@contextmanager
def reading_store(settings: Settings) -> Iterator[Store]:
    """The remote endpoint, or the embedded store opened read-only (built first if it does not exist)."""
    if settings.is_remote:
        yield RemoteStore.from_settings(settings)
        return
    embedded = EmbeddedStore.from_settings(settings, workers=0)
    if not embedded.exists:
        embedded.start()
        build_store(embedded, locate(settings.source_dir))
        embedded.close()
    reader = EmbeddedStore.from_settings(settings, workers=0, read_only=True)
    reader.start()
    try:
        yield reader
    finally:
        reader.close()


def render_table(result: QueryResult) -> str:
    """SPARQL JSON as an aligned text table; graphs are printed as they are."""
    if result.result_format != "json":
        return result.body.decode()
    data = json.loads(result.body)
    if "boolean" in data:
        return str(data["boolean"]).lower()
    names = data["head"]["vars"]
    rows = [[_cell(binding.get(name)) for name in names] for binding in data["results"]["bindings"]]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    lines = [" | ".join(name.ljust(width) for name, width in zip(names, widths, strict=True))]
    lines.append("-+-".join("-" * width for width in widths))
    lines.extend(" | ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)) for row in rows)
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if result.truncated else ''})"
    return "\n".join([*lines, footer])


def _cell(term: dict[str, str] | None) -> str:
    if term is None:
        return ""
    if term["type"] == "bnode":
        return "_:" + term["value"]
    if "xml:lang" in term:
        return f"{term['value']}@{term['xml:lang']}"
    return str(term["value"])


def _add_commands() -> None:
    """Commands defined in other modules (they import the helpers above, so they are added last)."""
    from .dataset import COMMANDS  # noqa: PLC0415
    from .query import COMMANDS as QUERY_COMMANDS  # noqa: PLC0415

    for command in (*COMMANDS, *QUERY_COMMANDS):
        main.add_command(command)
    from .validate import validate  # noqa: PLC0415

    main.add_command(validate)


_add_commands()
