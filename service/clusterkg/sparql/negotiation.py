"""Choose a result format from the ``format`` parameter or the ``Accept`` header (with q-values).

SELECT and ASK answer in the SPARQL results formats, CONSTRUCT and DESCRIBE in RDF formats. A
``format`` parameter wins over ``Accept``; it may be a short name (``json``, ``turtle``...) or a media
type, and may be repeated (the first one that applies is used, as SPARQLWrapper sends several).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..errors import NotAcceptable
from ..formats import Format, Kind, for_media_type, named, of_kind


def formats_for(graph_result: bool) -> tuple[Format, ...]:
    """The formats a query's answer can be written in: RDF formats for CONSTRUCT and DESCRIBE, the SPARQL
    results formats for SELECT and ASK."""
    return of_kind(Kind.GRAPH) if graph_result else of_kind(Kind.RESULTS)


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
    kind = Kind.GRAPH if graph_result else Kind.RESULTS
    for raw in values:
        value = raw.strip().lower()
        chosen = named(value, kind) or for_media_type(value.split(";")[0].strip(), kind)
        if chosen is not None:
            return chosen
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
