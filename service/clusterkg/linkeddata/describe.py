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

import io
from collections.abc import Sequence

from pyoxigraph import NamedNode
from rdflib import Graph, URIRef
from rdflib.query import Result
from rdflib.term import Node

from ..errors import NotFound
from ..namespaces import BASE, CONCEPT, DATASET, GRAPH, ID, ONT, ONTOLOGY_IRI, RDFS, prefixes
from ..sparql.negotiation import GRAPH_FORMATS, Format, negotiate, parse_accept
from ..store import QueryJob, Store

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


# --- the queries ---------------------------------------------------------------------------------

PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX ckg: <https://w3id.org/clusterkg/ont#>
"""


def description_query(iri: str) -> str:
    """The resource's concise bounded description (its triples, with the blank nodes they lead to, two
    levels deep) and the labels of every IRI it mentions (predicates, classes, objects).

    Each branch names the resource itself: with a shared ``VALUES`` instead, Oxigraph evaluates the
    branches unbound first, which is a thousand times slower.
    """
    r = f"<{iri}>"
    return (
        PREFIXES
        + f"""CONSTRUCT {{
  {r} ?p ?o . ?b ?bp ?bo . ?b2 ?bp2 ?bo2 . ?x rdfs:label ?xl . ?x skos:prefLabel ?xp .
}} WHERE {{
  {{ {r} ?p ?o }}
  UNION {{ {r} ?p1 ?b . FILTER(isBlank(?b)) ?b ?bp ?bo }}
  UNION {{ {r} ?p1 ?b1 . FILTER(isBlank(?b1)) ?b1 ?q1 ?b2 . FILTER(isBlank(?b2)) ?b2 ?bp2 ?bo2 }}
  UNION {{
    {{ SELECT DISTINCT ?x WHERE {{
      {{ {r} ?x ?o1 }} UNION {{ {r} ?p1 ?x }}
      UNION {{ {r} ?p1 ?b3 . FILTER(isBlank(?b3)) {{ ?b3 ?x ?o2 }} UNION {{ ?b3 ?q ?x }} }}
      FILTER(isIRI(?x))
    }} }}
    {{ ?x rdfs:label ?xl }} UNION {{ ?x skos:prefLabel ?xp }}
  }}
}}"""
    )


def context_queries(iri: str, limit: int = 500) -> list[str]:
    """What the web page adds: who links to the resource (with labels), where each quote stands, and the
    records of its external identifiers."""
    return [
        PREFIXES
        + f"""CONSTRUCT {{ ?s ?p ?r . ?s rdfs:label ?sl . ?p rdfs:label ?pl . }} WHERE {{
  {{ SELECT ?s ?p ?r WHERE {{ VALUES ?r {{ <{iri}> }} ?s ?p ?r . FILTER(isIRI(?s)) }} LIMIT {limit} }}
  OPTIONAL {{ ?s rdfs:label ?sl }} OPTIONAL {{ ?p rdfs:label ?pl }}
}}""",
        PREFIXES
        + f"""CONSTRUCT {{ ?passage ?pp ?po . }} WHERE {{
  {{ SELECT DISTINCT ?passage WHERE {{ <{iri}> ckg:evidence ?e . ?e ckg:inPassage ?passage }} }}
  ?passage ?pp ?po .
  FILTER(?pp IN (rdfs:label, ckg:sectionPath, ckg:slideNumber, ckg:footnoteNumber, ckg:heading, ckg:pageNumber))
}}""",
        PREFIXES + f"""CONSTRUCT {{ ?record ?p ?o . }} WHERE {{ ?record ckg:linkedResource <{iri}> ; ?p ?o . }}""",
    ]


# --- running them ----------------------------------------------------------------------------------


async def construct(store: Store, query: str, max_rows: int = 100_000) -> Graph:
    result = await store.query(QueryJob(query, "ntriples", max_rows=max_rows))
    return Graph().parse(data=result.body.decode("utf-8"), format="nt")


async def select(store: Store, query: str, max_rows: int = 100_000) -> list[dict[str, Node]]:
    """Rows of a SELECT query as dicts of rdflib terms (unbound variables are left out)."""
    result = await store.query(QueryJob(query, "json", max_rows=max_rows))
    parsed = Result.parse(io.BytesIO(result.body), format="json")
    names = [str(v) for v in parsed.vars or []]
    return [{n: v for n, v in row.asdict().items() if n in names} for row in parsed]  # type: ignore[union-attr]


async def describe(store: Store, iri: str) -> Graph:
    """The description; raises NotFound when the store holds no triple about the resource."""
    graph = await construct(store, description_query(iri))
    if (URIRef(iri), None, None) not in graph:
        raise NotFound(f"No resource <{iri}> in this graph.", iri=iri)
    return graph


async def page_context(store: Store, iri: str) -> Graph:
    graph = Graph()
    for query in context_queries(iri):
        graph += await construct(store, query)
    return graph


# --- representations -------------------------------------------------------------------------------

HTML = Format("html", "text/html", ("application/xhtml+xml",))
#: Suffixes that name one representation: ``/id/org/x.ttl`` (local names never contain a dot).
SUFFIXES = {"html": "html", "ttl": "turtle", "nt": "ntriples", "jsonld": "jsonld", "rdf": "rdfxml"}
SUFFIX_OF = {name: suffix for suffix, name in SUFFIXES.items()}
RDFLIB_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld", "rdfxml": "pretty-xml"}
LABELS = {"html": "HTML", "turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF/XML"}


def split_suffix(path: str) -> tuple[str, str | None]:
    """``/id/org/x.ttl`` -> (``/id/org/x``, ``turtle``); a path without a known suffix is left alone.

    >>> split_suffix("/id/org/tama-association.jsonld")
    ('/id/org/tama-association', 'jsonld')
    """
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix and suffix in SUFFIXES:
        return stem, SUFFIXES[suffix]
    return path, None


def choose(accept: str | None, format_params: Sequence[str] = ()) -> Format:
    """HTML for browsers (and for clients that accept anything); an RDF format when asked for one.

    >>> choose("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").name
    'html'
    >>> choose("text/turtle").name
    'turtle'
    >>> choose("application/ld+json, text/html;q=0.5").name
    'jsonld'
    >>> choose(None, ["ntriples"]).name
    'ntriples'
    """
    if format_params:
        if any(p.strip().lower() in ("html", "text/html") for p in format_params[:1]):
            return HTML
        return negotiate(True, None, format_params)
    ranges = parse_accept(accept or "*/*")
    html_q = max((r.q for r in ranges for t in HTML.media_types if r.specificity(t) >= 1), default=0.0)
    rdf_q = max(
        (
            r.q
            for r in ranges
            for f in GRAPH_FORMATS
            for t in f.media_types
            if r.specificity(t) >= 1 and t != "text/plain"
        ),
        default=0.0,
    )
    if rdf_q > html_q:
        return negotiate(True, accept)
    if html_q > 0 or any(r.type == "*" and r.q > 0 for r in ranges):
        return HTML
    return negotiate(True, accept)


def alternates(path: str) -> list[tuple[str, str, str]]:
    """(label, media type, URL) of every representation of the resource at ``path``."""
    formats = [HTML, *GRAPH_FORMATS]
    return [(LABELS[f.name], f.media_type, f"{path}.{SUFFIX_OF[f.name]}") for f in formats]


def serialise(graph: Graph, fmt: Format) -> bytes:
    for prefix, namespace in PREFIX_MAP.items():
        graph.bind(prefix, namespace, override=True)
    if fmt.name == "jsonld":
        context = {**PREFIX_MAP, "rdfs": RDFS}
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format=RDFLIB_FORMATS[fmt.name], encoding="utf-8")


PREFIX_MAP = prefixes("ckg", "cko", "ckp", "ckcl", "ckdoc", "skos", "oa", "owl", "wd")
