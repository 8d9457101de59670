"""The representations of a resource: its HTML page, or its description in an RDF format of the registry,
chosen by ``Accept``, by ``?format=`` or by a suffix of the path (``/id/org/x.ttl``).
"""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import Graph

from ..formats import BY_NAME, Format, Kind, of_kind
from ..namespaces import RDFS, prefixes
from ..sparql.negotiation import negotiate, parse_accept

HTML = BY_NAME["html"]
#: Every representation of a resource: its page, and its description in each RDF format of the registry.
REPRESENTATIONS = (HTML, *of_kind(Kind.GRAPH))
#: Suffixes that name one representation: ``/id/org/x.ttl`` (local names never contain a dot).
SUFFIXES = {fmt.suffix: fmt.name for fmt in REPRESENTATIONS}


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
            for f in of_kind(Kind.GRAPH)
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
    return [(f.label, f.media_type, f"{path}.{f.suffix}") for f in REPRESENTATIONS]


def serialise(graph: Graph, fmt: Format) -> bytes:
    for prefix, namespace in PREFIX_MAP.items():
        graph.bind(prefix, namespace, override=True)
    if fmt.name == "jsonld":
        context = {**PREFIX_MAP, "rdfs": RDFS}
        return graph.serialize(format="json-ld", context=context, auto_compact=True, encoding="utf-8")
    return graph.serialize(format=fmt.rdflib_name, encoding="utf-8")


PREFIX_MAP = prefixes("ckg", "cko", "ckp", "ckcl", "ckdoc", "skos", "oa", "owl", "wd")
