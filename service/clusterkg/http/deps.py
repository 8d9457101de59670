"""What routes get from the app: its settings and store, the canned queries, and the entry services
(the validator, the cases on the app's store, the writers and the JSON-LD context, built on first use and
kept in ``app.state``), and an entry read from a request."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from ..canned.runner import CannedQueries
from ..config import Settings
from ..entries.auth import Writers
from ..entries.cases import Cases
from ..entries.jsonld import build_context
from ..entries.limits import EntryLimits
from ..entries.reading import Entry, format_for_media_type, format_named, read_entry
from ..entries.validation import EntryValidator
from ..sources import locate
from ..sparql.protocol import read_body
from ..store import Store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_canned(request: Request) -> CannedQueries:
    queries: CannedQueries = request.app.state.canned
    return queries


_BUILD_LOCK = threading.Lock()
LANGUAGES = ("en", "ja")


@dataclass(frozen=True)
class EntryServices:
    settings: Settings
    validator: EntryValidator
    cases: Cases
    writers: Writers
    context: dict[str, Any]


def _build(request: Request) -> EntryServices:
    settings = get_settings(request)
    validator = EntryValidator.load(locate(settings.source_dir))
    return EntryServices(
        settings=settings,
        validator=validator,
        cases=Cases(get_store(request), validator, settings.query_timeout),
        writers=Writers.from_settings(settings),
        context=build_context(validator.vocabulary),
    )


def _built(request: Request) -> EntryServices:
    with _BUILD_LOCK:
        services: EntryServices | None = getattr(request.app.state, "entry_services", None)
        if services is None:
            services = _build(request)
            request.app.state.entry_services = services
        return services


async def entry_services(request: Request) -> EntryServices:
    """The app's entry services; the first call loads the ontology and the shapes (in a worker thread)."""
    services: EntryServices | None = getattr(request.app.state, "entry_services", None)
    return services if services is not None else await run_in_threadpool(_built, request)


async def read_request_entry(request: Request, services: EntryServices) -> Entry:
    """The entry in the body: its format from ``Content-Type`` (or the ``input`` query parameter). It is
    parsed in a worker thread, so the event loop goes on answering meanwhile."""
    name = request.query_params.get("input")
    fmt = format_named(name) if name else format_for_media_type(request.headers.get("content-type"))
    settings = services.settings
    body = await read_body(
        request,
        settings.max_entry_bytes,
        what="entry",
        setting="CLUSTERKG_MAX_ENTRY_BYTES",
        timeout=settings.body_timeout,
    )
    limits = EntryLimits(max_depth=settings.max_entry_depth, max_triples=settings.max_entry_triples)
    return await run_in_threadpool(read_entry, body, fmt, services.context, settings.max_entry_bytes, limits)


def language(request: Request) -> str:
    """``?lang=`` if given, else the first of ``en``/``ja`` in ``Accept-Language``, else English."""
    wanted = request.query_params.get("lang")
    if wanted in LANGUAGES:
        return wanted
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower().split("-")[0]
        if tag in LANGUAGES:
            return tag
    return "en"
