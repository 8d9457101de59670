"""``/sparql``: the SPARQL 1.1 Protocol query operation (read-only)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..cache import VersionedCache
from ..errors import ClusterKGError, NotAcceptable
from ..formats import Format, Kind, names, of_kind
from ..sparql.negotiation import formats_for, negotiate
from ..sparql.policy import QueryForm, analyse, check_query_policy
from ..sparql.protocol import FORM, SPARQL_QUERY, read_request
from ..store.base import QueryJob, QueryResult, Store
from .deps import get_settings, get_store

router = APIRouter(tags=["SPARQL"])

_PARAMETERS: list[dict[str, Any]] = [
    {"name": "query", "in": "query", "schema": {"type": "string"}, "description": "The SPARQL query (GET)."},
    {"name": "default-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    {"name": "named-graph-uri", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
    {
        "name": "format",
        "in": "query",
        "schema": {"type": "string"},
        "description": f"{', '.join(names(Kind.RESULTS))} (SELECT/ASK); {', '.join(names(Kind.GRAPH))} "
        "(CONSTRUCT/DESCRIBE). Overrides Accept.",
    },
]
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": f"Query results ({', '.join(f.label for f in of_kind(Kind.RESULTS))}) or an RDF graph "
        f"({', '.join(f.label for f in of_kind(Kind.GRAPH))}). "
        "`X-ClusterKG-Truncated: true` when the row limit cut the answer.",
        "content": {f.media_type: {} for f in (*formats_for(False), *formats_for(True))},
    },
    400: {"description": "Missing query or syntax error (with `line` and `column`)."},
    403: {"description": "An update, or a SERVICE/LOAD target that is not allowed."},
    406: {"description": "No acceptable result format."},
    413: {"description": "Query or body too long."},
    503: {"description": "The query exceeded the timeout."},
}
_BODY = {
    "requestBody": {
        "content": {
            FORM: {"schema": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}},
            SPARQL_QUERY: {"schema": {"type": "string"}},
        }
    }
}


@router.get("/sparql", summary="SPARQL query (GET)", responses=_RESPONSES, openapi_extra={"parameters": _PARAMETERS})
async def sparql_get(request: Request) -> Response:
    return await answer(request)


@router.post(
    "/sparql",
    summary="SPARQL query (POST form-encoded or application/sparql-query)",
    responses=_RESPONSES,
    openapi_extra={"parameters": _PARAMETERS[1:], **_BODY},
)
async def sparql_post(request: Request) -> Response:
    return await answer(request)


#: The lexer's reading of a query text depends on the text only: repeated queries skip it.
analyse_cached = lru_cache(maxsize=1024)(analyse)


async def answer(request: Request) -> Response:
    return to_response(await cached_query(request, await read_job(request)))


async def read_job(request: Request) -> QueryJob:
    """The request as a job for the store, after the limits, the policy checks and content negotiation."""
    settings = get_settings(request)
    parsed = await read_request(request, settings)
    analysis = analyse_cached(parsed.query)
    check_query_policy(analysis, settings.service_allowlist, parsed.default_graph_uris + parsed.named_graph_uris)
    fmt = choose_format(analysis.form, parsed.accept, parsed.formats)
    return QueryJob(
        query=parsed.query,
        result_format=fmt.name,
        default_graphs=parsed.default_graph_uris,
        named_graphs=parsed.named_graph_uris,
        max_rows=settings.max_result_rows,
        timeout=settings.query_timeout,
    )


def result_cache(request: Request) -> VersionedCache[QueryResult]:
    cache: VersionedCache[QueryResult] = request.app.state.result_cache
    return cache


def cache_version(store: Store, job: QueryJob) -> int | None:
    """The data version an answer is cached under; ``None`` (not cached) for a query that calls a remote
    ``SERVICE``, whose data can change at any time, and for a store that cannot tell its version."""
    return None if analyse_cached(job.query).service_targets else store.data_version


async def cached_query(request: Request, job: QueryJob) -> QueryResult:
    """The store's answer, from the result cache while the data has not changed since it was computed."""
    store = get_store(request)
    cache = result_cache(request)
    version = cache_version(store, job)
    cached = cache.get(job, version)
    if cached is not None:
        return cached
    result = await store.query(job)
    cache.put(job, version, result, len(result.body))
    return result


class CachedAnswers:
    """Pure ASGI middleware: a ``GET /sparql`` whose answer is in the result cache is answered here, without
    the routing layers. The request goes through the same limits, policy checks and negotiation as in the
    route; as their outcome depends only on the query string and the Accept header, it is remembered for
    the next identical request. Any other request, a miss or a refused request (the route then reports
    the error) goes on to the app."""

    def __init__(self, app: ASGIApp, remembered: int = 4096) -> None:
        self.app = app
        self.remembered = remembered
        self._jobs: dict[tuple[bytes, bytes], QueryJob] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/sparql":
            job = await self._job(scope, receive)
            state = scope["app"].state
            hit = None if job is None else state.result_cache.get(job, cache_version(state.store, job))
            if hit is not None:
                await send_result(hit, send)
                return
        await self.app(scope, receive, send)

    async def _job(self, scope: Scope, receive: Receive) -> QueryJob | None:
        accept = next((value for name, value in scope["headers"] if name == b"accept"), b"")
        key = (scope["query_string"], accept)
        job = self._jobs.get(key)
        if job is None:
            try:
                job = await read_job(Request(scope, receive))
            except ClusterKGError:
                return None
            if len(self._jobs) >= self.remembered:
                self._jobs.clear()
            self._jobs[key] = job
        return job


async def send_result(result: QueryResult, send: Send) -> None:
    """The same response as ``to_response``, written as the two ASGI messages."""
    headers = [
        (b"content-type", MEDIA_TYPES[result.result_format].encode()),
        (b"content-length", str(len(result.body)).encode()),
        (b"vary", b"Accept"),
        (b"x-clusterkg-result-count", str(result.count).encode()),
    ]
    if result.truncated:
        headers.append((b"x-clusterkg-truncated", b"true"))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": result.body})


def choose_format(form: QueryForm, accept: str | None, formats: tuple[str, ...]) -> Format:
    """When the lexer could not tell the form, either family will do: the parser will report the error."""
    if form is not QueryForm.UNKNOWN:
        return negotiate(form.is_graph, accept, formats)
    try:
        return negotiate(False, accept, formats)
    except NotAcceptable:
        return negotiate(True, accept, formats)


MEDIA_TYPES = {f.name: f.content_type for f in (*formats_for(False), *formats_for(True))}


def to_response(result: QueryResult) -> Response:
    headers = {"Vary": "Accept", "X-ClusterKG-Result-Count": str(result.count)}
    if result.truncated:
        headers["X-ClusterKG-Truncated"] = "true"
    return Response(result.body, media_type=MEDIA_TYPES[result.result_format], headers=headers)
