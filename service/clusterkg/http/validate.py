"""``/validate`` (the form and the API) and ``/context.jsonld``. Validating stores nothing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from ..entries.case_examples import case_example, invalid_examples, template_case
from ..entries.reports import Report
from ..errors import NotAcceptable
from ..formats import ENTRY_FORMATS
from ..pages.templating import render_page
from ..sources import locate
from .deps import entry_services, get_settings, language, read_request_entry

router = APIRouter(tags=["Entries"])

REPORT_TYPES = {"json": "application/json", "turtle": "text/turtle", "text": "text/plain"}
ENTRY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The entry: RDF in Turtle, JSON-LD (plain JSON with the ClusterKG context), N-Triples or RDF/XML.",
        "content": {fmt.media_type: {"schema": {"type": "string"}} for fmt in ENTRY_FORMATS},
    }
}
PARAMETERS: list[dict[str, Any]] = [
    {
        "name": "lang",
        "in": "query",
        "schema": {"type": "string", "enum": ["en", "ja"]},
        "description": "Messages' language.",
    },
    {
        "name": "format",
        "in": "query",
        "schema": {"type": "string", "enum": list(REPORT_TYPES)},
        "description": "Report format (overrides Accept): JSON, a SHACL sh:ValidationReport in Turtle, or text.",
    },
    {
        "name": "input",
        "in": "query",
        "schema": {"type": "string", "enum": [fmt.name for fmt in ENTRY_FORMATS]},
        "description": "The entry's format, if Content-Type does not say it.",
    },
]
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": '`{"conforms": bool, "results": [...]}`: each result with its focus node, path, value, severity, '
        "message and source shape; or the SHACL report in Turtle (`Accept: text/turtle`).",
        "content": {media_type: {} for media_type in REPORT_TYPES.values()},
    },
    400: {"description": "The entry cannot be read (`line` and `column` locate a syntax error)."},
    413: {"description": "The entry is larger than CLUSTERKG_MAX_ENTRY_BYTES."},
    415: {"description": "Unsupported Content-Type."},
}


@router.get("/validate", include_in_schema=False)
async def form(request: Request) -> HTMLResponse:
    resources = locate(get_settings(request).source_dir)
    page = render_page(
        "validate.html", "/validate", template=template_case(resources), invalid=invalid_examples(resources)
    )
    return HTMLResponse(page)


@router.get("/validate/examples", summary="The template case and the invalid examples the validation form offers")
async def examples(request: Request) -> list[dict[str, str]]:
    resources = locate(get_settings(request).source_dir)
    template = template_case(resources)
    return [example.to_json() for example in [*([template] if template else []), *invalid_examples(resources)]]


@router.get("/validate/examples/{name:path}", summary="One example case, in Turtle")
async def example(request: Request, name: str) -> Response:
    found = case_example(locate(get_settings(request).source_dir), name)
    return Response(found.path.read_bytes(), media_type="text/turtle; charset=utf-8")


@router.post(
    "/validate",
    summary="Validate an entry (nothing is stored)",
    responses=_RESPONSES,
    openapi_extra={"parameters": PARAMETERS, **ENTRY_BODY},
)
async def validate(request: Request) -> Response:
    services = await entry_services(request)
    entry = await read_request_entry(request, services)
    report = await run_in_threadpool(services.cases.validate, entry, language(request))
    return report_response(report, request)


@router.get("/context.jsonld", summary="The JSON-LD context for writing entries as plain JSON")
async def context(request: Request) -> JSONResponse:
    services = await entry_services(request)
    return JSONResponse(services.context, media_type="application/ld+json")


def report_format(request: Request) -> str:
    wanted = request.query_params.get("format")
    if wanted is not None:
        if wanted not in REPORT_TYPES:
            raise NotAcceptable(f"Unknown report format {wanted!r}: use one of {', '.join(REPORT_TYPES)}.")
        return wanted
    return preferred(request.headers.get("accept", ""))


def preferred(accept: str) -> str:
    """The report format the ``Accept`` header prefers (highest q, then first listed); JSON by default.

    >>> preferred("text/turtle;q=0.9, application/json"), preferred("text/plain"), preferred("*/*")
    ('json', 'text', 'json')
    """
    best, best_q = "json", 0.0
    for item in accept.split(","):
        media_type, *params = (part.strip().lower() for part in item.split(";"))
        q = next((_q(param[2:]) for param in params if param.startswith("q=")), 1.0)
        name = next((n for n, t in REPORT_TYPES.items() if t == media_type), None)
        if name is not None and q > best_q:
            best, best_q = name, q
    return best


def _q(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0


def report_response(report: Report, request: Request, status: int = 200) -> Response:
    fmt = report_format(request)
    if fmt == "turtle":
        return Response(report.to_turtle(), status_code=status, media_type="text/turtle; charset=utf-8")
    if fmt == "text":
        return Response(report.to_text(), status_code=status, media_type="text/plain; charset=utf-8")
    return JSONResponse(report.to_json(), status_code=status)
