"""Canned queries over HTTP: ``GET /queries`` (the catalogue) and one ``GET /queries/{name}`` per query.

Each canned query becomes its own route and OpenAPI operation, with its parameters typed as its header
declares them (enums as enums, IRIs as URIs, defaults and examples), so generated clients get one
method per question. The routes only read the request and format the answer: validation, binding and
evaluation are ``canned/runner.py``'s.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from ..canned.catalogue import CannedQuery, Catalogue
from ..canned.openapi import openapi_parameters, operation_description, operation_responses
from ..canned.parameters import bad
from ..canned.runner import CannedAnswer, Page
from ..errors import NotAcceptable
from ..formats import Format
from ..pages.templating import render_page
from ..sparql.negotiation import formats_for, negotiate
from .deps import get_canned, get_settings

PAGING = ("limit", "offset", "format")
TAG = "Canned queries"


def build_router(catalogue: Catalogue) -> APIRouter:
    """The catalogue route, one route per canned query, and the routes shared by all of them."""
    router = APIRouter(tags=[TAG])
    router.add_api_route("/questions", questions_page, methods=["GET"], include_in_schema=False)
    router.add_api_route("/queries", list_queries, methods=["GET"], summary="The catalogue of canned queries")
    for query in catalogue:
        router.add_api_route(
            f"/queries/{query.name}",
            endpoint_for(query),
            methods=["GET"],
            summary=query.header.summary,
            description=operation_description(query),
            operation_id="query_" + re.sub(r"\W", "_", query.name),
            response_class=Response,
            responses=operation_responses(query),
            openapi_extra={"parameters": openapi_parameters(query)},
        )
    router.add_api_route(
        "/queries/{name}/sparql",
        query_text,
        methods=["GET"],
        summary="The SPARQL text of a canned query",
        response_class=PlainTextResponse,
    )
    router.add_api_route("/queries/{name}", unknown_query, methods=["GET"], include_in_schema=False)
    return router


async def questions_page() -> HTMLResponse:
    """The web page that offers the canned queries as forms, with tables and charts."""
    return HTMLResponse(render_page("questions.html", "/questions"))


async def list_queries(request: Request) -> JSONResponse:
    """Name, summary, description, tags, parameters and chart of every canned query."""
    return JSONResponse({"queries": [query.describe() for query in get_canned(request).catalogue]})


async def query_text(request: Request, name: str) -> PlainTextResponse:
    query = get_canned(request).catalogue.get(name)
    return PlainTextResponse(query.text, media_type="application/sparql-query")


async def unknown_query(request: Request, name: str) -> Response:
    get_canned(request).catalogue.get(name)  # raises UnknownQuery (404)
    raise AssertionError("unreachable: every known query has its own route")  # pragma: no cover


def endpoint_for(query: CannedQuery) -> Any:
    name = query.name

    async def run_query(request: Request) -> Response:
        return await answer(request, name)

    run_query.__name__ = "query_" + re.sub(r"\W", "_", name)
    return run_query


async def answer(request: Request, name: str) -> Response:
    """Validate, bind, page, run (or take from the cache) and send one canned query."""
    queries = get_canned(request)
    query = queries.catalogue.get(name)
    params = single_values(request)
    fmt = choose_format(query, request.headers.get("accept"), params.pop("format", None))
    page = Page.of(params.pop("limit", None), params.pop("offset", None), get_settings(request).max_result_rows)
    result = await queries.run(queries.prepare(name, params, fmt, page))
    return to_response(request, result)


def single_values(request: Request) -> dict[str, str]:
    """The query string as one value per name; a repeated parameter is refused rather than guessed."""
    params: dict[str, str] = {}
    for key, value in request.query_params.multi_items():
        if key in params:
            raise bad(key, "is given more than once")
        params[key] = value
    return params


def choose_format(query: CannedQuery, accept: str | None, requested: str | None) -> Format:
    """``format=`` (a short name or media type) wins over ``Accept``; an unknown format names ``format``."""
    graph = query.form in ("CONSTRUCT", "DESCRIBE")
    if requested is None:
        return negotiate(graph, accept)
    try:
        return negotiate(graph, None, [requested])
    except NotAcceptable:
        names = ", ".join(fmt.name for fmt in formats_for(graph))
        raise bad("format", f"must be one of: {names}") from None


def to_response(request: Request, result: CannedAnswer) -> Response:
    headers = {"Vary": "Accept", "X-ClusterKG-Result-Count": str(result.count)}
    if result.has_next:
        following = request.url.include_query_params(
            limit=result.page.limit, offset=result.page.offset + result.page.limit
        )
        headers["Link"] = f'<{following}>; rel="next"'
    return Response(result.body, media_type=result.fmt.content_type, headers=headers)
