"""Choose a result format from the ``format`` parameter or the ``Accept`` header (with q-values).

SELECT and ASK answer in the SPARQL results formats, CONSTRUCT and DESCRIBE in RDF formats. A
``format`` parameter wins over ``Accept``; it may be a short name (``json``, ``turtle``...) or a media
type, and may be repeated (the first one that applies is used, as SPARQLWrapper sends several).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import NotAcceptable


@dataclass(frozen=True)
class Format:
    """A result format: its short name, the media type it is sent as, and media types it answers to."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# In order of preference when the client accepts several equally.
RESULTS_FORMATS = (
    Format(
        "json", "application/sparql-results+json", ("application/json", "text/javascript", "application/javascript")
    ),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
)
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", ("application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3")),
    Format("ntriples", "application/n-triples", ("text/plain",)),
    Format("jsonld", "application/ld+json", ("application/x-json+ld", "application/json")),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml")),
)

# Short names a ``format`` parameter may use, per family; ``json`` and ``xml`` mean the family's own.
_RESULTS_NAMES = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv"}
_GRAPH_NAMES = {
    "turtle": "turtle",
    "ttl": "turtle",
    "n3": "turtle",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "rdfxml": "rdfxml",
    "rdf+xml": "rdfxml",
    "rdf": "rdfxml",
    "xml": "rdfxml",
}


def formats_for(graph_result: bool) -> tuple[Format, ...]:
    return GRAPH_FORMATS if graph_result else RESULTS_FORMATS


def negotiate(graph_result: bool, accept: str | None, format_params: Sequence[str] = ()) -> Format:
    """The format to answer in; raises ``NotAcceptable`` listing the available ones."""
    offered = formats_for(graph_result)
    if format_params:
        chosen = _from_format_params(offered, graph_result, format_params)
    else:
        chosen = _from_accept(offered, accept or "*/*")
    if chosen is None:
        raise NotAcceptable(
            "None of the requested formats can be produced for this query. Available: "
            + ", ".join(f"{f.name} ({f.media_type})" for f in offered),
            available=[f.media_type for f in offered],
            formats=[f.name for f in offered],
        )
    return chosen


def _from_format_params(offered: Sequence[Format], graph_result: bool, values: Iterable[str]) -> Format | None:
    names = _GRAPH_NAMES if graph_result else _RESULTS_NAMES
    by_name = {f.name: f for f in offered}
    for raw in values:
        value = raw.strip().lower()
        if value in names:
            return by_name[names[value]]
        by_type = _match_media_type(offered, value.split(";")[0].strip())
        if by_type is not None:
            return by_type
    return None


def _match_media_type(offered: Sequence[Format], media_type: str) -> Format | None:
    for fmt in offered:
        if media_type in fmt.media_types:
            return fmt
    return None


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    position: int

    def specificity(self, media_type: str) -> int:
        """-1 if the range does not match; else 0 for ``*/*``, 1 for ``type/*``, 2 for an exact match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str) -> list[MediaRange]:
    ranges = []
    for position, item in enumerate(header.split(",")):
        media, *params = (part.strip() for part in item.split(";"))
        if "/" not in media:
            continue
        main, _, sub = media.lower().partition("/")
        ranges.append(MediaRange(main, sub, _quality(params), position))
    return ranges


def _quality(params: Sequence[str]) -> float:
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def _score(fmt: Format, ranges: Sequence[MediaRange]) -> tuple[float, int]:
    """Quality of the most specific range matching the format, and that range's position in the header."""
    best: tuple[int, float, int] = (-1, 0.0, 0)
    for media_type in fmt.media_types:
        for media_range in ranges:
            specificity = media_range.specificity(media_type)
            if specificity < 0 or (specificity < 2 and media_type != fmt.media_type):
                continue  # wildcards match a format's own media type, not its aliases
            if specificity > best[0] or (specificity == best[0] and media_range.q > best[1]):
                best = (specificity, media_range.q, media_range.position)
    return best[1], best[2]


def _from_accept(offered: Sequence[Format], accept: str) -> Format | None:
    ranges = parse_accept(accept)
    if not ranges:
        return offered[0]
    best: Format | None = None
    best_key = (0.0, 0, 0)
    for preference, fmt in enumerate(offered):
        quality, position = _score(fmt, ranges)
        key = (quality, -position, -preference)
        if quality > 0 and (best is None or key > best_key):
            best, best_key = fmt, key
    return best
