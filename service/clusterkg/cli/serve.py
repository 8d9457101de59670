"""``clusterkg serve``: the HTTP service, in one process or several sharing the port."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ..config import Settings
from ..logging import configure
from ..store import open_store
from .options import data_dir_option, endpoint_option, make_settings, reports_errors, source_dir_option


@click.command()
@click.option("--host", help="Address to listen on [CLUSTERKG_HOST, default 127.0.0.1].")
@click.option("--port", type=int, help="Port to listen on [CLUSTERKG_PORT, default 8000].")
@data_dir_option
@endpoint_option
@click.option("--update-endpoint", help="Remote SPARQL 1.1 update endpoint [CLUSTERKG_SPARQL_UPDATE_ENDPOINT].")
@click.option("--user", help="User name for the remote endpoint [CLUSTERKG_SPARQL_USER].")
@click.option("--password", help="Password for the remote endpoint [CLUSTERKG_SPARQL_PASSWORD].")
@click.option("--query-timeout", type=float, help="Seconds a query may run [CLUSTERKG_QUERY_TIMEOUT, default 30].")
@click.option(
    "--workers",
    "query_workers",
    type=int,
    help="Query worker processes per HTTP process [CLUSTERKG_QUERY_WORKERS, default one per core].",
)
@click.option("--http-workers", type=int, help="HTTP server processes [CLUSTERKG_HTTP_WORKERS, default one per core].")
@source_dir_option
@reports_errors
def serve(host: str | None, port: int | None, data_dir: Path | None, endpoint: str | None, **options: Any) -> None:
    """Serve the SPARQL endpoint, the query page and the API on http://HOST:PORT.

    With the embedded store (default) the store in --data-dir is built from the sources first if it is
    missing or a source file changed. With --endpoint the service runs in front of that SPARQL server
    (load it with `clusterkg build --endpoint URL`).
    """
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
    if settings.http_workers is None:  # one HTTP process per core unless told
        settings = settings.model_copy(update={"http_workers": settings.serve_processes})
        overrides["http_workers"] = settings.http_workers
    if settings.several_processes:
        serve_processes(settings, overrides)
        return
    # Not needed by the other commands, nor by the parent of several HTTP processes (each imports its own).
    import uvicorn  # noqa: PLC0415

    from ..app import create_app  # noqa: PLC0415
    from ..http import connections  # noqa: PLC0415
    from ..http.serving import server_options  # noqa: PLC0415

    app = create_app(settings)
    connections.configure(settings)
    uvicorn.run(app, **server_options(settings))


def serve_processes(settings: Settings, overrides: dict[str, Any]) -> None:
    """Several HTTP processes on the port, each with its own listening socket (``http/serving.py``), its
    own app and its own query workers over the shared store (``store/shared.py``). The store is built here,
    once, before they start (while they are being prepared); they read their settings from the environment,
    which gets the command-line options."""
    from ..http.serving import Processes  # noqa: PLC0415

    configure(settings.log_level)
    for name, value in overrides.items():
        if value is not None:
            os.environ[f"CLUSTERKG_{name.upper()}"] = str(value)
    os.environ["CLUSTERKG_BUILD_ON_START"] = "false"
    try:
        processes = Processes(settings.host, settings.port, settings.serve_processes)
    except OSError as error:
        raise click.ClickException(f"Cannot listen on {settings.host}:{settings.port}: {error.strerror}.") from None
    processes.start_preloading()  # the HTTP processes' imports, meanwhile, in the process they are forked from
    if not settings.is_remote and settings.build_on_start:
        open_store(settings, update_from_sources=True).close()
    processes.run()
    if processes.failed:
        raise click.ClickException("The HTTP processes kept ending right after they started; see the log above.")


COMMANDS = (serve,)
