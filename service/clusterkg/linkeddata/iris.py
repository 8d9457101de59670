"""Linked Data: which service path serves which IRI, and what the description of a resource holds.

Every IRI the project mints under ``https://w3id.org/clusterkg/`` is served by this service at the same
path (the w3id redirect forwards the path unchanged):

====================================================  ==============================
IRI                                                   path on this service
====================================================  ==============================
``https://w3id.org/clusterkg/id/<kind>/<name>``       ``/id/<kind>/<name>``
``https://w3id.org/clusterkg/concept/<scheme>/<c>``   ``/concept/<scheme>/<c>``
``https://w3id.org/clusterkg/ont#<Term>``             ``/ontology#<Term>``
``https://w3id.org/clusterkg/dataset`` (``#...``)     ``/dataset`` (``#...``)
``https://w3id.org/clusterkg/graph/<path>``           ``/graph/<path>`` (the graph's triples)
====================================================  ==============================

>>> path_for("https://w3id.org/clusterkg/id/org/tama-association")
'/id/org/tama-association'
>>> path_for("https://w3id.org/clusterkg/ont#Cluster")
'/ontology#Cluster'
>>> iri_for("/concept/support-function/matching")
'https://w3id.org/clusterkg/concept/support-function/matching'
>>> path_for("http://www.wikidata.org/entity/Q64") is None
True
"""

from __future__ import annotations

from pyoxigraph import NamedNode

from ..errors import NotFound
from ..namespaces import BASE, CONCEPT, DATASET, GRAPH, ID, ONT, ONTOLOGY_IRI

DEREFERENCEABLE = (ID, CONCEPT, GRAPH)


def path_for(iri: str) -> str | None:
    """The path of this service that serves the IRI, or None for an IRI not minted here."""
    if iri.startswith(ONT) or iri == ONTOLOGY_IRI:
        return "/ontology" + (f"#{iri[len(ONT) :]}" if iri.startswith(ONT) and iri != ONT else "")
    if iri.startswith(DATASET) and iri[len(DATASET) :][:1] in ("", "#"):
        return "/dataset" + iri[len(DATASET) :]
    if iri.startswith(DEREFERENCEABLE):
        return "/" + iri[len(BASE) :]
    return None


def iri_for(path: str) -> str:
    """The IRI a resource path (``/id/...``, ``/concept/...``, ``/graph/...``) stands for.

    The IRI goes into queries, so it must be one: anything pyoxigraph's IRI parser refuses (spaces,
    ``<``, ``>``, ``"``, braces... as a decoded URL path may hold) is a 404, never query text.

    >>> iri_for("/id/org/x> ?p ?o } #")
    Traceback (most recent call last):
    clusterkg.errors.NotFound: No resource at /id/org/x> ?p ?o } #.
    """
    iri = BASE + path.lstrip("/")
    try:
        return NamedNode(iri).value
    except ValueError:
        raise NotFound(f"No resource at {path}.") from None
