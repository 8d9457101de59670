"""``/cases``: submit a case (bearer token), list them, fetch one as RDF, delete one (bearer token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from ..entries.cases import CASE_ID_PATTERN, check_case_id
from ..sparql.negotiation import negotiate
from .deps import entry_services, language, read_request_entry
from .validate import ENTRY_BODY, PARAMETERS

router = APIRouter(tags=["Entries"])

CASE_ID = Path(pattern=CASE_ID_PATTERN, description="The case's id: lower-case letters, digits and hyphens.")

_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No bearer token (`WWW-Authenticate: Bearer`)."},
    403: {"description": "`invalid_token`, or `writes_disabled` when the service has no write token."},
}


@router.post(
    "/cases",
    summary="Submit a case: stored in its own named graph if it conforms",
    status_code=201,
    responses={
        201: {"description": "Stored: the case's id, IRI, graph and provenance, and the report (warnings)."},
        400: {"description": "The entry cannot be read (with `line` and `column`)."},
        413: {"description": "The entry is larger than CLUSTERKG_MAX_ENTRY_BYTES."},
        415: {"description": "Unsupported Content-Type."},
        422: {"description": "The entry does not conform; `report` lists the violations. Nothing was stored."},
        **_WRITE_RESPONSES,
    },
    openapi_extra={"parameters": [PARAMETERS[0], PARAMETERS[2]], **ENTRY_BODY},
)
async def submit(request: Request) -> JSONResponse:
    services = await entry_services(request)
    submitter = services.writers.authorise(request.headers.get("authorization"))
    entry = await read_request_entry(request, services)
    record, report = await run_in_threadpool(services.cases.submit, entry, submitter, language(request))
    body = {**record.to_json(), "report": report.to_json()}
    return JSONResponse(body, status_code=201, headers={"Location": f"/cases/{record.id}"})


@router.get("/cases", summary="The accepted cases, oldest first")
async def list_cases(request: Request) -> dict[str, Any]:
    services = await entry_services(request)
    records = await run_in_threadpool(services.cases.records)
    return {"cases": [record.to_json() for record in records]}


@router.get(
    "/cases/{case_id}",
    summary="One case: its named graph (the entry and its provenance) as Turtle, JSON-LD, N-Triples or RDF/XML",
    responses={200: {"content": {"text/turtle": {}, "application/ld+json": {}}}, 404: {"description": "No such case."}},
)
async def get_case(request: Request, case_id: str = CASE_ID) -> Response:
    services = await entry_services(request)
    fmt = negotiate(True, request.headers.get("accept"), tuple(request.query_params.getlist("format")))
    body = await run_in_threadpool(services.cases.get, check_case_id(case_id), fmt.name)
    return Response(body, media_type=fmt.content_type, headers={"Vary": "Accept"})


@router.delete(
    "/cases/{case_id}",
    summary="Remove a case (its whole named graph)",
    status_code=204,
    responses={404: {"description": "No such case."}, **_WRITE_RESPONSES},
)
async def delete_case(request: Request, case_id: str = CASE_ID) -> Response:
    services = await entry_services(request)
    writer = services.writers.identify(request.headers.get("authorization"))
    await run_in_threadpool(services.cases.delete, check_case_id(case_id), writer)
    return Response(status_code=204)
