"""The HTML page of a resource: gather its context from the store, draw its network, fill the template."""

from __future__ import annotations

from rdflib import Graph, URIRef

from ..canned.runner import CannedQueries, Page, rows
from ..formats import BY_NAME
from ..namespaces import ID
from ..pages.templating import render_page
from ..store import Store
from .describe import construct, figure_subjects_query, page_context, select
from .network_svg import network_svg
from .view import (
    CENTRE_KINDS,
    Figure,
    ResourcePage,
    actor,
    build_page,
    figures,
    kind_of,
    network_query,
    nodes_query,
    ties,
)

#: The canned query whose rows are the page's key figures.
KEY_FIGURES = "key-figures"
MAX_FIGURES = 500


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


async def key_figures(canned: CannedQueries, iri: str) -> list[Figure]:
    """The figures of the resource and of the area it occupies or the agglomeration occupying it: the
    ``key-figures`` canned query's rows, each with what it is about when that is the other side."""
    if not iri.startswith(ID):
        return []
    prepared = canned.prepare(KEY_FIGURES, {"subject": iri, "lang": "en"}, BY_NAME["json"], Page(MAX_FIGURES))
    found = rows(await canned.run(prepared))
    if not found:
        return []
    subjects = await construct(canned.store, figure_subjects_query([row["observation"] for row in found]))
    return figures(found, subjects, iri)


async def render(canned: CannedQueries, iri: str, description: Graph, alternates: list[tuple[str, str, str]]) -> str:
    """The HTML page of ``iri``, whose description the caller has already fetched."""
    store = canned.store
    page: ResourcePage = build_page(iri, description, await page_context(store, iri))
    page.alternates = alternates
    page.network_svg = await network_picture(store, iri)
    page.figures = await key_figures(canned, iri)
    return render_page("resource.html", page.path, page=page)
