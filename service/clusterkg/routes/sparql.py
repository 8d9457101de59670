"""``/sparql``: the SPARQL 1.1 Protocol query operation (read-only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from ..errors import NotAcceptable
from ..negotiation import Format, formats_for, negotiate
from ..protocol import FORM, SPARQL_QUERY, read_request
from ..sparql import QueryForm, analyse, check_query_policy
from ..store.base import QueryJob, QueryResult
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
        "description": "json, xml, csv, tsv (SELECT/ASK); turtle, ntriples, jsonld, rdfxml (CONSTRUCT/DESCRIBE). "
        "Overrides Accept.",
    },
]
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Query results (SPARQL JSON/XML/CSV/TSV) or an RDF graph (Turtle, N-Triples, JSON-LD, RDF/XML). "
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


async def answer(request: Request) -> Response:
    settings = get_settings(request)
    parsed = await read_request(request, settings)
    analysis = analyse(parsed.query)
    check_query_policy(analysis, settings.service_allowlist, parsed.default_graph_uris + parsed.named_graph_uris)
    fmt = choose_format(analysis.form, parsed.accept, parsed.formats)
    job = QueryJob(
        query=parsed.query,
        result_format=fmt.name,
        default_graphs=parsed.default_graph_uris,
        named_graphs=parsed.named_graph_uris,
        max_rows=settings.max_result_rows,
        timeout=settings.query_timeout,
    )
    return to_response(await get_store(request).query(job))


def choose_format(form: QueryForm, accept: str | None, formats: tuple[str, ...]) -> Format:
    """When the lexer could not tell the form, either family will do: the parser will report the error."""
    if form is not QueryForm.UNKNOWN:
        return negotiate(form.is_graph, accept, formats)
    try:
        return negotiate(False, accept, formats)
    except NotAcceptable:
        return negotiate(True, accept, formats)


def to_response(result: QueryResult) -> Response:
    media_type = next(f.media_type for f in (*formats_for(False), *formats_for(True)) if f.name == result.result_format)
    headers = {"Vary": "Accept", "X-ClusterKG-Result-Count": str(result.count)}
    if result.truncated:
        headers["X-ClusterKG-Truncated"] = "true"
    return Response(result.body, media_type=f"{media_type}; charset=utf-8", headers=headers)
