"""What the description of a resource holds, and the queries that gather it from the store.

The description is the resource's concise bounded description with the labels of what it mentions;
the web page adds the context around it (who links to it, where its quotes stand, its external
identifiers).
"""

from __future__ import annotations

import io

from rdflib import Graph, URIRef
from rdflib.query import Result
from rdflib.term import Node

from ..errors import NotFound
from ..store import QueryJob, Store

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


def figure_subjects_query(observations: list[str]) -> str:
    """What each observation is about, with its labels (the page names the other side of
    ``ckg:agglomerationArea`` when a figure is that side's)."""
    values = " ".join(f"<{iri}>" for iri in observations)
    return (
        PREFIXES
        + f"""CONSTRUCT {{ ?observation ckg:subject ?about ; rdfs:label ?ol . ?about rdfs:label ?al . }} WHERE {{
  VALUES ?observation {{ {values} }}
  ?observation ckg:subject ?about .
  OPTIONAL {{ ?observation rdfs:label ?ol }} OPTIONAL {{ ?about rdfs:label ?al }}
}}"""
    )


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
