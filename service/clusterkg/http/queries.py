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
from ..canned.parameters import Parameter, bad
from ..canned.runner import CannedAnswer, CannedQueries, Page
from ..errors import NotAcceptable
from ..formats import Format
from ..sparql.negotiation import formats_for, negotiate
from ..templating import render_page
from .deps import get_settings

PAGING = ("limit", "offset", "format")
TAG = "Canned queries"


def canned(request: Request) -> CannedQueries:
    queries: CannedQueries = request.app.state.canned
    return queries


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
    return JSONResponse({"queries": [query.describe() for query in canned(request).catalogue]})


async def query_text(request: Request, name: str) -> PlainTextResponse:
    query = canned(request).catalogue.get(name)
    return PlainTextResponse(query.text, media_type="application/sparql-query")


async def unknown_query(request: Request, name: str) -> Response:
    canned(request).catalogue.get(name)  # raises UnknownQuery (404)
    raise AssertionError("unreachable: every known query has its own route")  # pragma: no cover


def endpoint_for(query: CannedQuery) -> Any:
    name = query.name

    async def run_query(request: Request) -> Response:
        return await answer(request, name)

    run_query.__name__ = "query_" + re.sub(r"\W", "_", name)
    return run_query


async def answer(request: Request, name: str) -> Response:
    """Validate, bind, page, run (or take from the cache) and send one canned query."""
    queries = canned(request)
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


# --- the OpenAPI description of one canned query ----------------------------------------------------


def operation_description(query: CannedQuery) -> str:
    tags = ", ".join(query.header.tags)
    example = f"\n\nExample: `{query.header.example}`" if query.header.example else ""
    return f"{query.header.description}\n\nTags: {tags}.{example}\n\n```sparql\n{query.text.strip()}\n```"


def openapi_parameters(query: CannedQuery) -> list[dict[str, Any]]:
    declared = [
        {
            "name": name,
            "in": "query",
            "required": spec.is_required,
            "description": spec.description,
            "schema": parameter_schema(spec),
            **({"example": str(spec.example)} if spec.example is not None else {}),
        }
        for name, spec in query.header.parameters.items()
    ]
    return declared + paging_parameters(query)


#: The JSON Schema of each parameter type (values are validated by ``canned/parameters.py``, not by FastAPI).
TYPE_SCHEMAS: dict[str, dict[str, Any]] = {
    "iri": {"type": "string", "format": "uri"},
    "string": {"type": "string"},
    "lang_string": {"type": "string"},
    "integer": {"type": "integer"},
    "decimal": {"type": "number"},
    "date": {"type": "string", "format": "date"},
    "enum": {"type": "string"},
}


def parameter_schema(spec: Parameter) -> dict[str, Any]:
    constraints = {
        "pattern": "^" + re.escape(spec.prefix) if spec.prefix else spec.pattern,
        "enum": list(spec.enum) if spec.enum else None,
        "maxLength": spec.max_length if spec.type in ("string", "lang_string") else None,
        "minimum": spec.minimum,
        "maximum": spec.maximum,
        "default": spec.default,
    }
    return TYPE_SCHEMAS[spec.type] | {key: value for key, value in constraints.items() if value is not None}


def paging_parameters(query: CannedQuery) -> list[dict[str, Any]]:
    formats = [fmt.name for fmt in formats_for(query.form in ("CONSTRUCT", "DESCRIBE"))]
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "Rows per page; a Link header with rel=next points to the next page.",
            "schema": {"type": "integer", "minimum": 1, "default": Page().limit},
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "Rows to skip.",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        },
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "Result format; overrides the Accept header.",
            "schema": {"type": "string", "enum": formats},
        },
    ]


def operation_responses(query: CannedQuery) -> dict[int | str, dict[str, Any]]:
    formats = formats_for(query.form in ("CONSTRUCT", "DESCRIBE"))
    error_schema = {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}
    error = {"application/json": {"schema": error_schema}}
    return {
        200: {"description": "The answer", "content": {fmt.media_type: {} for fmt in formats}},
        404: {"description": "Unknown query", "content": error},
        422: {
            "description": "A parameter is missing, unknown or not of its type (named in the error)",
            "content": error,
        },
    }
