"""What every ``clusterkg`` command shares: settings from options, one-line errors, the common options.

Options override the ``CLUSTERKG_*`` environment variables, which override the defaults.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from ..config import Settings
from ..errors import ClusterKGError

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


def remote_write_options(command: F) -> F:
    """``--endpoint`` and what writing to it takes: ``--update-endpoint``, ``--user``, ``--password``."""
    for option in reversed(
        (
            endpoint_option,
            click.option("--update-endpoint", help="Update endpoint (default: the query URL with /query → /update)."),
            click.option("--user", help="User name for the remote endpoint (HTTP Basic or Digest, as it asks)."),
            click.option("--password", help="Password for the remote endpoint."),
        )
    ):
        command = option(command)
    return command


def remote_settings(
    data_dir: Path | None, endpoint: str | None, update_endpoint: str | None, user: str | None, password: str | None
) -> Settings:
    return make_settings(
        data_dir=data_dir,
        sparql_endpoint=endpoint,
        sparql_update_endpoint=update_endpoint,
        sparql_user=user,
        sparql_password=password,
    )
