"""The application factory: settings, store, routers, middleware and the one error handler."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from . import __version__
from .cache import VersionedCache
from .canned.catalogue import Catalogue
from .canned.runner import CannedQueries
from .config import Settings
from .errors import BadParameter, ClusterKGError, HTTPError, MethodNotAllowed, NotFound, unexpected
from .http import (
    caches,
    completions,
    connections,
    dataset,
    health,
    linkeddata,
    ontology,
    openapi,
    pages,
    queries,
    sparql,
)
from .http import cases as case_routes
from .http import validate as validate_routes
from .logging import AccessLogMiddleware, configure
from .pages.errors import error_page, wants_html
from .sources import locate
from .store import QueryResult, Store, open_store
from .store.monitor import StoreMonitor

HEALTH_TIMEOUT = 5.0

#: The routers every app includes. A feature adds its own ``APIRouter`` here.
ROUTERS = (
    sparql.router,
    health.router,
    pages.router,
    completions.router,
    linkeddata.router,
    dataset.router,
    ontology.router,
    validate_routes.router,
    case_routes.router,
)


class ClusterKGApp(FastAPI):
    """FastAPI with a front (``front``) that each request meets first: the access log, and ``GET /sparql``
    answered there (``http/caches.py``) before the middleware stack and the routing; everything else goes
    on to FastAPI's own stack (``stack``)."""

    front: ASGIApp | None = None
    #: The front's answers to ``GET /sparql``, which the HTTP protocol may ask for before any ASGI work.
    answers: caches.CachedAnswers | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.front is None:
            await super().__call__(scope, receive, send)
        else:
            await self.front(scope, receive, send)

    async def stack(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """A ready-to-serve app. At startup it opens the store ``settings`` describe (building the embedded
    store from the sources when they changed, if ``build_on_start``), or starts the ``store`` given
    instead; at shutdown it closes it."""
    settings = settings or Settings()
    configure(settings.log_level)
    catalogue = Catalogue.load(locate(settings.source_dir).queries_dir)  # a broken query stops start-up here

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, object]]:
        the_store = store or open_store(
            settings, update_from_sources=settings.build_on_start, workers=settings.query_workers
        )
        if store is not None:
            store.start()
        app.state.store = the_store
        app.state.canned = CannedQueries.from_settings(catalogue, the_store, settings, app.state.result_cache)
        app.state.monitor = await start_monitor(the_store, settings)
        gc.freeze()  # what start-up built lives as long as the app: keep it out of every collection
        try:
            yield lifespan_state(app)
        finally:
            await app.state.monitor.stop()
            the_store.close()

    app = ClusterKGApp(
        title="ClusterKG",
        version=__version__,
        description="A SPARQL 1.1 endpoint over the ClusterKG knowledge graph of industrial-cluster policy.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.result_cache = VersionedCache[QueryResult](settings.result_cache_entries, settings.result_cache_bytes)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(queries.build_router(catalogue))
    pages.mount_static(app)
    install_error_handlers(app)
    install_middleware(app, settings)
    app.openapi = openapi.description(app)  # type: ignore[method-assign]
    return app


def lifespan_state(app: FastAPI) -> dict[str, object]:
    """What the server keeps for the app's life: the front's answers that need no ASGI cycle
    (``http/connections.py``)."""
    answers = app.answers if isinstance(app, ClusterKGApp) else None
    return {} if answers is None else {caches.ANSWER_NOW: answers.answer_now}


def install_middleware(app: ClusterKGApp, settings: Settings) -> None:
    """In front, the access log and ``GET /sparql`` (which leaves a request with an ``Origin`` to the stack
    when CORS is on); in the stack, the canned answers' cache and CORS when origins are configured."""
    front = caches.CachedAnswers(app.stack, app, on_error=error_response, cors=bool(settings.cors_origins))
    app.answers = front
    app.front = AccessLogMiddleware(front)
    app.add_middleware(caches.CachedCannedAnswers)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["*"],
            expose_headers=["X-ClusterKG-Truncated", "X-ClusterKG-Result-Count"],
        )


async def start_monitor(store: Store, settings: Settings) -> StoreMonitor:
    """The background health check of the store, its first check done before the first request."""
    monitor = StoreMonitor(store, timeout=min(HEALTH_TIMEOUT, settings.query_timeout))
    await monitor.check()
    monitor.start()
    return monitor


def app_from_environment() -> FastAPI:
    """The app of one of several ``clusterkg serve`` processes: its settings come from ``CLUSTERKG_*``, and
    so do the limits on its connections."""
    settings = Settings()
    connections.configure(settings)
    return create_app(settings)


def error_response(error: ClusterKGError, request: Request) -> Response:
    """The only place an error becomes an HTTP response: ``{"error": code, "message": ..., ...}``, or the error
    page in the site's layout for a browser that asks for HTML."""
    headers = error.headers or None
    if wants_html(request.headers.get("accept")):
        return HTMLResponse(error_page(error, request.url.path), status_code=error.status, headers=headers)
    return JSONResponse(error.to_json(), status_code=error.status, headers=headers)


def allowed_methods(request: Request) -> str:
    """Every method some route answers at the request's path (the ``Allow`` of a 405)."""
    methods: set[str] = set()
    scope = {**request.scope, "method": "GET"}
    pending = list(request.app.router.routes)
    while pending:
        route = pending.pop()
        included = getattr(route, "original_router", None)  # a router included without a prefix
        if included is not None:
            pending.extend(included.routes)
        elif route.matches(scope)[0] != Match.NONE:
            methods.update(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ClusterKGError)
    async def on_error(request: Request, error: ClusterKGError) -> Response:
        return error_response(error, request)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404:
            return error_response(NotFound(f"Nothing at {request.url.path}."), request)
        if error.status_code == 405:
            allow = allowed_methods(request) or (error.headers or {}).get("Allow", "")
            return error_response(
                MethodNotAllowed(f"{request.method} is not allowed at {request.url.path}; use {allow}.", allow=allow),
                request,
            )
        return error_response(HTTPError(error.status_code, str(error.detail)), request)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, error: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        return error_response(BadParameter(f"Invalid request: {problems}"), request)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, error: Exception) -> Response:
        return error_response(unexpected(error, f"{request.method} {request.url.path}"), request)
