"""Stores the service queries: the embedded pyoxigraph store (default) or a remote SPARQL 1.1 server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import QueryJob, QueryResult, SourceRecord, Store

if TYPE_CHECKING:  # the worker processes import this package: keep it light
    from ..config import Settings


def open_store(settings: Settings) -> Store:
    """The store the settings ask for (remote when ``sparql_endpoint`` is set), not yet started."""
    if settings.is_remote:
        from .remote import RemoteStore  # noqa: PLC0415 - only load SPARQLWrapper when needed

        return RemoteStore.from_settings(settings)
    from .embedded import EmbeddedStore  # noqa: PLC0415

    return EmbeddedStore.from_settings(settings)


__all__ = ["QueryJob", "QueryResult", "SourceRecord", "Store", "open_store"]
