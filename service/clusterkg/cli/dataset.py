"""``clusterkg dump``, ``load``, ``graphs`` and ``unload``: the dataset as a whole, and imports of others."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click
from pyoxigraph import NamedNode, RdfFormat

from ..config import Settings
from ..dataset import imports as importer
from ..dataset.dumps import dump_blocks
from ..errors import BadParameter
from ..formats import DUMP_FORMATS
from ..namespaces import IMPORT_GRAPHS
from ..store import open_store
from ..store.base import QueryJob
from ..store.build import drop_unfinished_imports
from ..store.embedded import EmbeddedStore
from ..store.remote import RemoteStore
from .options import (
    data_dir_option,
    endpoint_option,
    make_settings,
    remote_settings,
    remote_write_options,
    reports_errors,
)

GRAPHS_QUERY = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def embedded(data_dir: Path | None, read_only: bool = False) -> EmbeddedStore:
    """The embedded store in ``data_dir`` (these commands write it or read its files directly)."""
    store = open_store(make_settings(data_dir=data_dir), read_only=read_only)
    assert isinstance(store, EmbeddedStore)
    return store


@click.command()
@click.option(
    "--format", "fmt", type=click.Choice([fmt.suffix for fmt in DUMP_FORMATS]), default="nq", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout)."
)
@data_dir_option
@reports_errors
def dump(fmt: str, output: Path | None, data_dir: Path | None) -> None:
    """Write the whole store: N-Quads (every named graph) or Turtle (all graphs merged), streamed.

    The store is opened read-only, so this works while a server is running.
    """
    store = embedded(data_dir, read_only=True)
    try:
        target: Any = output.open("wb") if output else nullcontext(sys.stdout.buffer)
        with target as out:
            for block in dump_blocks(store.store, next(f for f in DUMP_FORMATS if f.suffix == fmt)):
                out.write(block)
    finally:
        store.close()


@click.command()
@click.argument("source")
@click.option("--graph", required=True, help=f"Named graph to load into; must start with {IMPORT_GRAPHS}")
@click.option("--format", "fmt", help="ttl, nt, nq, rdf (RDF/XML) or jsonld; default: from the file name (.gz too).")
@click.option("--replace", is_flag=True, help="Drop the graph first if it exists.")
@click.option(
    "--progress/--no-progress", default=None, help="Show a progress bar (default: when stderr is a terminal)."
)
@data_dir_option
@remote_write_options
@reports_errors
def load(*, source: str, graph: str, fmt: str | None, replace: bool, progress: bool | None, **store: Any) -> None:
    """Import an RDF file or URL (Turtle, N-Triples, N-Quads, RDF/XML, JSON-LD; gzipped or not) into
    its own named graph of the embedded store, or of the remote server given by --endpoint (sent in
    batches), streaming: the file is never held in memory.

    URLs are fetched only when they start with an entry of CLUSTERKG_IMPORT_ALLOWLIST. Stop a running
    server first: the embedded store can have only one writer.
    """
    settings = remote_settings(**store)
    target = importer.check_graph(graph)
    rdf_format, gzipped = importer.guess_format(source, fmt)
    if settings.is_remote:
        report = load_remote(settings, source, target, rdf_format, gzipped=gzipped, replace=replace, progress=progress)
    else:
        report = load_embedded(
            settings, source, target, rdf_format, gzipped=gzipped, replace=replace, progress=progress
        )
    click.echo(f"loaded {report.triples} triples into <{report.graph}> ({report.bytes_read} bytes read)")


def load_embedded(settings: Settings, source: str, target: NamedNode, rdf_format: RdfFormat, **how: Any) -> Any:
    store = embedded(settings.data_dir)
    try:
        drop_unfinished_imports(store)  # what an interrupted import left: a rerun begins from nothing
        with importer.open_source(source, settings.import_allowlist) as opened, store.writing() as ox:
            if how["replace"]:
                ox.remove_graph(target)
            with progress_bar(opened, how["progress"]) as bar:
                return importer.import_into(ox, opened, target, rdf_format, gzipped=how["gzipped"], on_read=bar.update)
    finally:
        store.close()


def load_remote(settings: Settings, source: str, target: NamedNode, rdf_format: RdfFormat, **how: Any) -> Any:
    store = open_store(settings)
    assert isinstance(store, RemoteStore)
    try:
        drop_unfinished_imports(store)
        with (
            importer.open_source(source, settings.import_allowlist) as opened,
            progress_bar(opened, how["progress"]) as bar,
        ):
            return importer.import_remote(
                store,
                opened,
                target,
                rdf_format,
                gzipped=how["gzipped"],
                replace=how["replace"],
                on_read=bar.update,
            )
    finally:
        store.close()


def progress_bar(source: importer.Source, show: bool | None) -> Any:
    from tqdm import tqdm  # noqa: PLC0415 - only the load command needs it

    disable = not sys.stderr.isatty() if show is None else not show
    name = Path(source.name).name if "://" not in source.name else source.name
    return tqdm(total=source.size, unit="B", unit_scale=True, unit_divisor=1024, desc=name, disable=disable)


@click.command()
@data_dir_option
@endpoint_option
@reports_errors
def graphs(data_dir: Path | None, endpoint: str | None) -> None:
    """List the named graphs with their triple counts."""
    import json  # noqa: PLC0415

    store = open_store(make_settings(data_dir=data_dir, sparql_endpoint=endpoint), read_only=True)
    try:
        result = store.query_sync(QueryJob(GRAPHS_QUERY, "json", max_rows=1_000_000))
    finally:
        store.close()
    rows = json.loads(result.body)["results"]["bindings"]
    for row in rows:
        click.echo(f"{int(row['n']['value']):>12}  {row['g']['value']}")
    click.echo(f"{sum(int(row['n']['value']) for row in rows):>12}  (all {len(rows)} graphs)")


@click.command()
@click.option("--graph", required=True, help=f"The imported graph to drop (under {IMPORT_GRAPHS}).")
@data_dir_option
@remote_write_options
@reports_errors
def unload(graph: str, **store: Any) -> None:
    """Drop an imported named graph from the embedded store, or from the remote server given by --endpoint."""
    target = importer.check_graph(graph)
    settings = remote_settings(**store)
    if settings.is_remote:
        remote = open_store(settings)
        try:
            if graph not in remote.graph_names():
                raise BadParameter(f"There is no graph <{graph}>.", parameter="graph")
            remote.drop_graph(graph)
        finally:
            remote.close()
    else:
        local = embedded(settings.data_dir)
        try:
            with local.writing() as ox:
                if target not in set(ox.named_graphs()):
                    raise BadParameter(f"There is no graph <{graph}>.", parameter="graph")
                ox.remove_graph(target)
        finally:
            local.close()
    click.echo(f"dropped <{graph}>")


COMMANDS = (dump, load, graphs, unload)
