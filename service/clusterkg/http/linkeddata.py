"""Resource IRIs dereference here: ``/id/...`` and ``/concept/...`` in HTML or RDF, by content negotiation.

``https://w3id.org/clusterkg/id/org/x`` is served at ``/id/org/x``: a browser gets the HTML page, a
client asking for Turtle, JSON-LD, N-Triples or RDF/XML gets the description in that format, on the
same URL (``Vary: Accept``). ``/id/org/x.ttl`` (``.html``, ``.nt``, ``.jsonld``, ``.rdf``) or
``?format=`` names one representation; ``Content-Location`` and ``Link: rel=alternate`` say which.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from ..formats import Format
from ..linkeddata.describe import describe
from ..linkeddata.iris import iri_for
from ..linkeddata.page import render
from ..linkeddata.representations import HTML, alternates, choose, serialise, split_suffix
from .deps import get_canned, get_store

router = APIRouter(tags=["Linked Data"])


def headers(path: str, fmt: Format) -> dict[str, str]:
    links = ", ".join(f'<{href}>; rel="alternate"; type="{media}"' for _, media, href in alternates(path))
    return {
        "Vary": "Accept",
        "Content-Location": f"{path}.{fmt.suffix}",
        "Link": links,
    }


async def dereference(request: Request, path: str, format_params: list[str]) -> Response:
    path, named = split_suffix(path)
    fmt = choose(request.headers.get("accept"), [named] if named else format_params)
    iri = iri_for(path)
    store = get_store(request)
    description = await describe(store, iri)
    if fmt is HTML:
        html = await render(get_canned(request), iri, description, alternates(path))
        return HTMLResponse(html, headers=headers(path, fmt))
    return Response(serialise(description, fmt), media_type=fmt.content_type, headers=headers(path, fmt))


FORMAT = Query(default=[], alias="format", description="html, turtle, ntriples, jsonld or rdfxml (overrides Accept)")


@router.get("/id/{name:path}", summary="A resource of the graph, as HTML or RDF")
async def resource(request: Request, name: str, format_params: list[str] = FORMAT) -> Response:
    return await dereference(request, f"/id/{name}", format_params)


@router.get("/concept/{name:path}", summary="A concept of the graph's concept schemes, as HTML or RDF")
async def concept(request: Request, name: str, format_params: list[str] = FORMAT) -> Response:
    return await dereference(request, f"/concept/{name}", format_params)


# HEAD answers like GET (link checkers use it); not listed in the OpenAPI description a second time.
router.add_api_route("/id/{name:path}", resource, methods=["HEAD"], include_in_schema=False)
router.add_api_route("/concept/{name:path}", concept, methods=["HEAD"], include_in_schema=False)
