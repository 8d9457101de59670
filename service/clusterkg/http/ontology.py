"""``/ontology``: the ontology's documentation for browsers, its Turtle, JSON-LD, RDF/XML or N-Triples for
clients that ask for RDF (``Accept`` or ``?format=``)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ..linkeddata.ontology_docs import ontology_html, ontology_rdf
from ..linkeddata.representations import HTML, choose
from ..sources import locate
from .deps import get_settings

router = APIRouter(tags=["Ontology"])

FORMAT = Query(default=[], alias="format", description="html, turtle, ntriples, jsonld or rdfxml (overrides Accept)")


@router.get("/ontology", summary="The ClusterKG ontology and concept schemes, as HTML documentation or RDF")
async def ontology(request: Request, format_params: list[str] = FORMAT) -> Response:
    fmt = choose(request.headers.get("accept"), format_params)
    ontology_dir = locate(get_settings(request).source_dir).ontology_dir
    headers = {"Vary": "Accept"}
    if fmt is HTML:
        return HTMLResponse(await asyncio.to_thread(ontology_html, ontology_dir), headers=headers)
    body = await asyncio.to_thread(ontology_rdf, ontology_dir, fmt)
    return Response(body, media_type=fmt.content_type, headers=headers)
