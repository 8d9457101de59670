"""The dataset as a whole: its VoID/DCAT description, full dumps and the SSSOM table of its identifiers."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response, StreamingResponse
from rdflib import Graph

from ..dataset.dumps import graph_blocks, store_blocks
from ..dataset.sssom import export
from ..dataset.void import DescriptionCache
from ..formats import BY_NAME, Format
from ..linkeddata.iris import iri_for
from ..linkeddata.representations import serialise
from ..sources import locate
from ..sparql.negotiation import negotiate
from .deps import get_settings, get_store

router = APIRouter(tags=["Dataset"])

FORMAT = Query(default=[], alias="format", description="turtle (default), jsonld, ntriples or rdfxml")


async def description(request: Request) -> Graph:
    cache: DescriptionCache | None = getattr(request.app.state, "void_cache", None)
    if cache is None:
        cache = request.app.state.void_cache = DescriptionCache()
    return await cache.get(get_store(request), str(request.base_url).rstrip("/"))


@router.get("/.well-known/void", summary="VoID description of the dataset (counts computed from the store)")
@router.get("/dataset", summary="DCAT and VoID description of the dataset")
async def dataset(request: Request, format_params: list[str] = FORMAT) -> Response:
    fmt = negotiate(True, request.headers.get("accept"), format_params)
    body = serialise(await description(request), fmt)
    return Response(body, media_type=fmt.media_type, headers={"Vary": "Accept"})


# HEAD answers like GET (link checkers use it); not listed in the OpenAPI description a second time.
for _path in ("/.well-known/void", "/dataset"):
    router.add_api_route(_path, dataset, methods=["HEAD"], include_in_schema=False)


def dump_response(request: Request, fmt: Format) -> StreamingResponse:
    return StreamingResponse(
        store_blocks(get_store(request), fmt),
        media_type=fmt.media_type,
        headers={"Content-Disposition": f'attachment; filename="clusterkg.{fmt.suffix}"'},
    )


@router.get("/dump.nq", summary="Full dump in N-Quads, one named graph per source file (streamed)")
async def dump_nquads(request: Request) -> StreamingResponse:
    return dump_response(request, BY_NAME["nquads"])


@router.get("/dump.ttl", summary="Full dump in Turtle, all graphs merged (streamed)")
async def dump_turtle(request: Request) -> StreamingResponse:
    return dump_response(request, BY_NAME["turtle"])


@router.get("/graph/{name:path}", summary="A named graph of the store (its IRI dereferences here), streamed")
async def named_graph(request: Request, name: str, format_params: list[str] = FORMAT) -> StreamingResponse:
    fmt = negotiate(True, request.headers.get("accept"), format_params)
    blocks = graph_blocks(get_store(request), iri_for(f"/graph/{name}"), fmt)
    return StreamingResponse(blocks, media_type=fmt.media_type, headers={"Vary": "Accept"})


@router.get("/mappings.sssom.tsv", summary="The external identifiers as an SSSOM mapping table")
async def mappings(request: Request) -> PlainTextResponse:
    text = export(locate(get_settings(request).source_dir).root)
    return PlainTextResponse(text, media_type="text/tab-separated-values")
