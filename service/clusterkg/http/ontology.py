"""The ontology for browsers and RDF clients: its documentation as HTML, or its Turtle, JSON-LD, RDF/XML or
N-Triples (``Accept``, ``?format=`` or a suffix).

The ontology's IRI ``https://w3id.org/clusterkg/ont`` and its terms' namespace (``.../ont#Cluster``)
dereference at ``/ont`` like every ``/id/...`` IRI (``/ont.ttl``, ``/ont.jsonld``... name one
representation); ``/ontology`` serves the same.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ..errors import NotFound
from ..linkeddata.ontology_docs import ontology_html, ontology_rdf
from ..linkeddata.representations import HTML, choose, split_suffix
from ..sources import locate
from .deps import get_settings
from .linkeddata import headers as resource_headers

router = APIRouter(tags=["Ontology"])

FORMAT = Query(default=[], alias="format", description="html, turtle, ntriples, jsonld or rdfxml (overrides Accept)")


async def ontology_response(request: Request, format_params: list[str], path: str | None = None) -> Response:
    """The ontology in the format asked for; at its IRI's path (``/ont``) with the headers every resource has."""
    fmt = choose(request.headers.get("accept"), format_params)
    ontology_dir = locate(get_settings(request).source_dir).ontology_dir
    headers = {"Vary": "Accept"} if path is None else resource_headers(path, fmt)
    if fmt is HTML:
        return HTMLResponse(await asyncio.to_thread(ontology_html, ontology_dir), headers=headers)
    body = await asyncio.to_thread(ontology_rdf, ontology_dir, fmt)
    return Response(body, media_type=fmt.content_type, headers=headers)


@router.get("/ontology", summary="The ClusterKG ontology and concept schemes, as HTML documentation or RDF")
async def ontology(request: Request, format_params: list[str] = FORMAT) -> Response:
    return await ontology_response(request, format_params)


@router.get("/ont", summary="The ontology's IRI (https://w3id.org/clusterkg/ont), dereferenced: HTML or RDF")
async def ontology_iri(request: Request, format_params: list[str] = FORMAT) -> Response:
    return await ontology_response(request, format_params, "/ont")


@router.get("/ont.{suffix}", summary="One representation of the ontology: /ont.ttl, .nt, .jsonld, .rdf or .html")
async def ontology_representation(request: Request, suffix: str) -> Response:
    _, named = split_suffix(f"/ont.{suffix}")
    if named is None:
        raise NotFound(f"No representation .{suffix} of the ontology: use .html, .ttl, .nt, .jsonld or .rdf.")
    return await ontology_response(request, [named], "/ont")


for _path, _endpoint in (("/ont", ontology_iri), ("/ont.{suffix}", ontology_representation)):
    router.add_api_route(_path, _endpoint, methods=["HEAD"], include_in_schema=False)
