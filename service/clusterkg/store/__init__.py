"""Stores the service queries: the embedded pyoxigraph store (default) or a remote SPARQL 1.1 server.

Every part of the service opens its store with :func:`open_store`: the server, every CLI command and
the validator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import StoreNotBuilt
from .base import QueryJob, QueryResult, SourceRecord, Store

if TYPE_CHECKING:  # the worker processes import this package: keep it light
    from ..config import Settings


def open_store(
    settings: Settings,
    *,
    read_only: bool = False,
    build_if_missing: bool = False,
    update_from_sources: bool = False,
    workers: int = 0,
) -> Store:
    """The store the settings describe, started; the caller closes it.

    The remote endpoint when ``sparql_endpoint`` is set, else the embedded store in ``data_dir``:
    ``read_only`` opens it without taking the writer's lock (so a command works beside a running
    server) and refuses (``StoreNotBuilt``) a store that does not exist, unless ``build_if_missing`` builds it from the
    sources first; ``update_from_sources`` brings a writable store up to date with the sources (only
    changed files are reloaded); ``workers`` is the number of query worker processes (none: queries
    are evaluated in the calling process).
    """
    if settings.is_remote:
        from .remote import RemoteStore  # noqa: PLC0415 - only load the remote client when needed

        remote = RemoteStore.from_settings(settings)
        remote.start()
        return remote
    from .embedded import EmbeddedStore  # noqa: PLC0415

    if read_only:
        if build_if_missing and not EmbeddedStore.from_settings(settings, workers=0).exists:
            open_store(settings, update_from_sources=True).close()
        store = EmbeddedStore.from_settings(settings, workers=workers, read_only=True)
        if not store.exists:
            raise StoreNotBuilt(f"No store at {store.path}: run `clusterkg build` first.")
    else:
        store = EmbeddedStore.from_settings(settings, workers=workers)
    store.start()
    if update_from_sources and not read_only:
        try:
            _update(store, settings)
        except BaseException:
            store.close()
            raise
    return store


def _update(store: Store, settings: Settings) -> None:
    import logging  # noqa: PLC0415

    from ..sources import locate  # noqa: PLC0415
    from .build import build  # noqa: PLC0415

    report = build(store, locate(settings.source_dir))
    logging.getLogger("clusterkg.build").info("store %s: %s", store.description, report.summary())


__all__ = ["QueryJob", "QueryResult", "SourceRecord", "Store", "open_store"]
