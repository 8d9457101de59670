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
