"""The OpenAPI description made to say what the service does: every media type an operation answers with,
every error status it can answer, each error as the one JSON shape ``{"error", "message"}``.

The routers declare their own responses where they are particular; this completes them from one table,
so that a client generated from ``/openapi.json`` (or a schema-driven test) meets no undocumented answer.
Request validation errors are answered 400 ``bad_parameter`` (``app.py``), not FastAPI's 422.
"""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatch
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from ..formats import Kind, of_kind

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    "additionalProperties": True,
}
ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}

STATUS_TEXT = {
    400: "Bad request: a parameter, the body or the request is malformed (`error` names what).",
    401: "No bearer token (`WWW-Authenticate: Bearer`).",
    403: "Forbidden (`error` says why: an update, a SERVICE off the allow-list, a token, another writer's case).",
    404: "Nothing at this path.",
    406: "No acceptable format: `available` lists the media types.",
    408: "The body did not arrive within CLUSTERKG_BODY_TIMEOUT.",
    413: "The body or query is larger than its limit (the message names the setting).",
    415: "Unsupported Content-Type.",
    422: "Refused: `report` or `parameter` says why.",
    502: "The remote SPARQL server failed.",
    503: "The query ran out of time (`query_timeout`) or memory (`query_memory`), or the store is not reachable.",
}

RDF = [fmt.media_type for fmt in of_kind(Kind.GRAPH)]
HTML = ["text/html"]

#: Per path (a glob) and method: the media types of a success, and the error statuses besides 400.
OPERATIONS: list[tuple[str, str, list[str] | None, tuple[int, ...]]] = [
    ("/sparql", "get", None, (403, 406, 413, 502, 503)),
    ("/sparql", "post", None, (403, 406, 408, 413, 415, 502, 503)),
    ("/health", "get", None, (503,)),
    ("/validate", "post", None, (406, 408, 413, 415, 503)),
    ("/cases", "post", None, (401, 403, 408, 413, 415, 422, 503)),
    ("/cases", "get", None, (503,)),
    ("/cases/{case_id}", "get", RDF, (404, 406, 503)),
    ("/cases/{case_id}", "delete", None, (401, 403, 404, 503)),
    ("/context.jsonld", "get", ["application/ld+json"], ()),
    ("/dataset", "get", RDF, (406, 503)),
    ("/.well-known/void", "get", RDF, (406, 503)),
    ("/dump.nq", "get", ["application/n-quads"], (502, 503)),
    ("/dump.ttl", "get", ["text/turtle"], (502, 503)),
    ("/mappings.sssom.tsv", "get", ["text/tab-separated-values"], ()),
    ("/ontology", "get", HTML + RDF, (406,)),
    ("/ont", "get", HTML + RDF, (406,)),
    ("/ont.{suffix}", "get", HTML + RDF, (404, 406)),
    ("/completions", "get", ["application/json"], (503,)),
    ("/validate/examples", "get", ["application/json"], ()),
    ("/validate/examples/{name}", "get", None, (404,)),
    ("/id/{name}", "get", HTML + RDF, (404, 406, 503)),
    ("/concept/{name}", "get", HTML + RDF, (404, 406, 503)),
    ("/graph/{name}", "get", HTML + RDF, (404, 406, 503)),
    ("/queries/{name}/sparql", "get", None, (404,)),
    ("/queries/federated-*", "get", None, (403, 404, 406, 422, 502, 503)),
    ("/queries/*", "get", None, (404, 406, 422, 503)),
]


def _complete(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    validation = responses.get("422", {})
    if validation.get("description") == "Validation Error":  # FastAPI's; answered 400 here
        del responses["422"]
    entry = next((e for e in OPERATIONS if fnmatch(path, e[0]) and e[1] == method), None)
    media_types, statuses = (entry[2], entry[3]) if entry else (None, ())
    success = next((code for code in responses if code.startswith("2")), None)
    if media_types is not None and success is not None:
        responses[success]["content"] = {media_type: {} for media_type in media_types}
    for status in (400, *statuses):
        documented = responses.setdefault(str(status), {"description": STATUS_TEXT[status]})
        documented["content"] = ERROR


def description(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The ``openapi`` function of the app: FastAPI's description, completed once and kept."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
            for path, operations in schema.get("paths", {}).items():
                for method, operation in operations.items():
                    _complete(path, method, operation)
            app.openapi_schema = schema
        return app.openapi_schema

    return openapi
