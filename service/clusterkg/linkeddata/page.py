"""The HTML page of a resource: gather its context from the store, draw its network, fill the template."""

from __future__ import annotations

from rdflib import Graph, URIRef

from ..pages.templating import render_page
from ..store import Store
from .describe import construct, page_context, select
from .network_svg import network_svg
from .view import CENTRE_KINDS, ResourcePage, actor, build_page, kind_of, network_query, nodes_query, ties


async def network_picture(store: Store, iri: str) -> str | None:
    """The SVG of the actors around a cluster or an organisation; None for other resources."""
    rows = await select(store, network_query(iri))
    nodes = [iri, *{str(row["other"]) for row in rows}, *{str(row["rel"]) for row in rows}]
    labels = await construct(store, nodes_query(nodes))
    centre = URIRef(iri)
    if not rows or kind_of(labels, centre) not in CENTRE_KINDS:
        return None
    title = f"Network of actors around {actor(labels, centre).label}"
    return network_svg(actor(labels, centre), ties(rows, labels), title)


async def render(store: Store, iri: str, description: Graph, alternates: list[tuple[str, str, str]]) -> str:
    """The HTML page of ``iri``, whose description the caller has already fetched."""
    page: ResourcePage = build_page(iri, description, await page_context(store, iri))
    page.alternates = alternates
    page.network_svg = await network_picture(store, iri)
    return render_page("resource.html", page.path, page=page)
