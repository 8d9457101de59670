"""Read a SPARQL 1.1 Protocol query request from HTTP: GET, POST form-encoded, POST ``application/sparql-query``.

Enforces the request limits (body size, query length) and refuses updates (403) before anything runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qs

from pyoxigraph import NamedNode
from starlette.requests import Request

from ..config import Settings
from ..errors import (
    BadParameter,
    BadRequest,
    MethodNotAllowed,
    PayloadTooLarge,
    RequestTimeout,
    UnsupportedMediaType,
    UpdateForbidden,
)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"

Params = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class SparqlRequest:
    query: str
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    accept: str | None = None


async def read_request(request: Request, settings: Settings) -> SparqlRequest:
    url_params = parse_qs(request.url.query, keep_blank_values=True)
    if request.method == "GET":
        return _build(url_params, None, request, settings)
    if request.method != "POST":
        raise MethodNotAllowed(f"{request.method} is not supported at /sparql; use GET or POST.")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, settings.max_body_bytes, timeout=settings.body_timeout)
    if content_type == FORM:
        form = parse_qs(_decode(body), keep_blank_values=True)
        return _build({**url_params, **form}, None, request, settings)
    if content_type == SPARQL_QUERY:
        return _build(url_params, _decode(body), request, settings)
    if content_type == SPARQL_UPDATE:
        raise UpdateForbidden("SPARQL updates are not accepted at /sparql: the endpoint is read-only.")
    raise UnsupportedMediaType(
        f"Unsupported Content-Type {content_type or '(none)'!r}: send {FORM} or {SPARQL_QUERY}.",
        supported=[FORM, SPARQL_QUERY],
    )


async def read_body(
    request: Request,
    limit: int,
    what: str = "request body",
    setting: str = "CLUSTERKG_MAX_BODY_BYTES",
    timeout: float | None = None,  # noqa: ASYNC109 - the limit is a setting, applied with asyncio.timeout inside
) -> bytes:
    """The request body, refusing (413) more than ``limit`` bytes, whatever Content-Length says; the
    error names ``what`` was too large and the ``setting`` that sets the limit. A body that takes longer
    than ``timeout`` seconds to arrive is refused (408)."""
    too_large = PayloadTooLarge(f"The {what} exceeds the limit of {limit} bytes ({setting}).", limit=limit)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_large
                chunks.append(chunk)
    except TimeoutError:
        raise RequestTimeout(
            f"The {what} did not arrive within {timeout:g} s (CLUSTERKG_BODY_TIMEOUT).", limit="body_timeout"
        ) from None
    return b"".join(chunks)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(f"The request body is not valid UTF-8: {error}") from None


def _build(params: Params, body_query: str | None, request: Request, settings: Settings) -> SparqlRequest:
    if "update" in params:
        raise UpdateForbidden("SPARQL updates are not accepted at /sparql: the endpoint is read-only.")
    query = body_query if body_query is not None else _single(params, "query")
    if len(query) > settings.max_query_length:
        raise PayloadTooLarge(
            f"The query has {len(query)} characters, more than the limit of {settings.max_query_length} "
            "(CLUSTERKG_MAX_QUERY_LENGTH).",
            limit=settings.max_query_length,
        )
    return SparqlRequest(
        query=query,
        default_graph_uris=_iris(params, "default-graph-uri"),
        named_graph_uris=_iris(params, "named-graph-uri"),
        formats=tuple(value for value in params.get("format", ()) if value),
        accept=request.headers.get("accept"),
    )


def _iris(params: Params, name: str) -> tuple[str, ...]:
    """The values of a dataset parameter, each an absolute IRI (400 naming the parameter otherwise)."""
    values = tuple(params.get(name, ()))
    for value in values:
        try:
            NamedNode(value)
        except ValueError as error:
            raise BadParameter(
                f"The {name!r} parameter {value!r} is not an absolute IRI: {error}.", parameter=name
            ) from None
    return values


def _single(params: Params, name: str) -> str:
    values = params.get(name, ())
    if not values or not values[0].strip():
        raise BadRequest(f"Missing the {name!r} parameter: send a SPARQL query.")
    if len(values) > 1:
        raise BadRequest(f"The {name!r} parameter was given {len(values)} times; send one.")
    return values[0]
