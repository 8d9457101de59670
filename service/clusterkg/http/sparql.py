"""``/sparql``: the SPARQL 1.1 Protocol query operation (read-only)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request, Response

from ..cache import VersionedCache
from ..errors import NotAcceptable
from ..formats import Format, Kind, names, of_kind
from ..sparql.form import QueryForm, analyse
from ..sparql.negotiation import formats_for, negotiate
from ..sparql.policy import check_query
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
    """The request as a job for the store, after the limits, the policy checks and content negotiation.

    The dataset is the Protocol's (``default-graph-uri``, ``named-graph-uri``) if the request names one,
    else the query's own ``FROM``/``FROM NAMED``, else the union of all graphs (the store's default)."""
    settings = get_settings(request)
    parsed = await read_request(request, settings)
    analysis = analyse_cached(parsed.query)
    protocol_graphs = parsed.default_graph_uris + parsed.named_graph_uris
    policy = check_query(
        parsed.query,
        analysis,
        settings.service_allowlist,
        protocol_graphs=protocol_graphs,
        max_nesting=settings.max_query_nesting,
        isolated=get_store(request).isolates_network,
    )
    fmt = choose_format(analysis.form, parsed.accept, parsed.formats)
    from_protocol = bool(protocol_graphs)
    return QueryJob(
        query=parsed.query,
        result_format=fmt.name,
        default_graphs=parsed.default_graph_uris if from_protocol else tuple(analysis.default_graphs),
        named_graphs=parsed.named_graph_uris if from_protocol else tuple(analysis.named_graphs),
        max_rows=settings.max_result_rows,
        timeout=settings.query_timeout,
        federated=policy.federated,
    )


def result_cache(request: Request) -> VersionedCache[QueryResult]:
    cache: VersionedCache[QueryResult] = request.app.state.result_cache
    return cache


def cache_version(store: Store, job: QueryJob) -> int | None:
    """The data version an answer is cached under; ``None`` (not cached) for a query that calls a remote
    ``SERVICE``, whose data can change at any time, and for a store that cannot tell its version."""
    return None if job.federated else store.data_version


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
