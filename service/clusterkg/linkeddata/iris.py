"""Linked Data: which service path serves which IRI, and what the description of a resource holds.

Every IRI the project mints under ``https://w3id.org/clusterkg/`` is served by this service at the same
path (the w3id redirect forwards the path unchanged):

====================================================  ==============================
IRI                                                   path on this service
====================================================  ==============================
``https://w3id.org/clusterkg/id/<kind>/<name>``       ``/id/<kind>/<name>``
``https://w3id.org/clusterkg/concept/<scheme>/<c>``   ``/concept/<scheme>/<c>``
``https://w3id.org/clusterkg/ont`` (``#<Term>``)       ``/ont`` (``#<Term>``), also ``/ontology``
``https://w3id.org/clusterkg/dataset`` (``#...``)     ``/dataset`` (``#...``)
``https://w3id.org/clusterkg/graph/<path>``           ``/graph/<path>`` (the graph's triples)
====================================================  ==============================

>>> path_for("https://w3id.org/clusterkg/id/org/tama-association")
'/id/org/tama-association'
>>> path_for("https://w3id.org/clusterkg/ont#Cluster")
'/ont#Cluster'
>>> path_for("https://w3id.org/clusterkg/shapes#Observation-unit") is None
True
>>> iri_for("/concept/support-function/matching")
'https://w3id.org/clusterkg/concept/support-function/matching'
>>> path_for("http://www.wikidata.org/entity/Q64") is None
True
"""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

from ..errors import NotFound
from ..namespaces import BASE

#: The IRIs this service serves, at the path that follows ``BASE``: the ontology and its terms, the dataset
#: description, every resource, concept and named graph. The query page's script reads the same expression
#: to link the IRIs of its results to their pages.
SERVED = re.compile(rf"^{re.escape(BASE)}((?:ont|dataset)(?:#.*)?|(?:id|concept|graph)/[^#]+(?:#.*)?)$")


def path_for(iri: str) -> str | None:
    """The path of this service that serves the IRI, or None for an IRI not minted here."""
    match = SERVED.match(iri)
    return "/" + match.group(1) if match else None


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
