"""The picture of a cluster's or an organisation's network of actors, drawn as inline SVG.

A radial layout: the resource in the centre, the actors it is tied to on one or two rings around it,
each tie a line coloured by its relation, each actor a link to its own page. No script is needed.

>>> centre = Actor("https://w3id.org/clusterkg/id/org/a", "A", "/id/org/a", "organisation")
>>> other = Actor("https://w3id.org/clusterkg/id/org/b", "B", "/id/org/b", "organisation")
>>> svg = network_svg(centre, [Tie(other, "member", outgoing=True)])
>>> svg.count('class="node')
2
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 900, 660
INNER_RING, OUTER_RING = 150, 255
INNER_CAPACITY = 12
LIMIT = 32
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f")
KIND_FILL = {
    "organisation": "#cfe3f7",
    "person": "#f7e3cf",
    "agglomeration": "#d9f2d0",
    "case": "#f2d0e6",
    "service": "#fdf3c4",
    "other": "#e6e6e6",
}


@dataclass(frozen=True)
class Actor:
    """A node: the resource's IRI, the label to show, the page it links to, its kind (for the colour) and
    a longer title for the tooltip."""

    iri: str
    label: str
    href: str | None
    kind: str = "other"
    title: str = ""


@dataclass(frozen=True)
class Tie:
    """An edge from the centre to an actor: the relation's label and whether the centre is its subject."""

    actor: Actor
    relation: str
    outgoing: bool


def short(label: str, size: int = 16) -> str:
    """A label cut to fit under a node.

    >>> short("Technology Foundation Innovation Center Berlin")
    'Technology Foun…'
    """
    return label if len(label) <= size else label[: size - 1] + "…"


def positions(count: int) -> list[tuple[float, float]]:
    """Points on the inner ring, then on the outer ring, evenly spaced, starting at the top."""
    inner = min(count, INNER_CAPACITY)
    points = [_on_ring(i, inner, INNER_RING, 0.0) for i in range(inner)]
    outer = count - inner
    points += [_on_ring(i, outer, OUTER_RING, 0.5) for i in range(outer)]
    return points


def _on_ring(index: int, count: int, radius: float, shift: float) -> tuple[float, float]:
    angle = 2 * math.pi * (index + shift) / max(count, 1) - math.pi / 2
    return WIDTH / 2 + radius * math.cos(angle), HEIGHT / 2 + radius * math.sin(angle)


def network_svg(centre: Actor, ties: list[Tie], title: str = "Network of actors") -> str:
    """The SVG picture; at most LIMIT actors are drawn (the rest are counted in a note)."""
    actors = list(dict.fromkeys(t.actor for t in ties))
    shown, hidden = actors[:LIMIT], len(actors) - LIMIT
    at = dict(zip(shown, positions(len(shown)), strict=True))
    drawn = [t for t in ties if t.actor in at]
    colours = {r: PALETTE[i % len(PALETTE)] for i, r in enumerate(dict.fromkeys(t.relation for t in drawn))}
    cx, cy = WIDTH / 2, HEIGHT / 2
    height = HEIGHT + 14 * math.ceil(len(colours) / 4) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>',
    ]
    parts += [_edge(tie, at, colours, cx, cy) for tie in drawn]
    parts += [_node(actor, x, y, 9) for actor, (x, y) in at.items()]
    parts.append(_node(centre, cx, cy, 16, centre=True))
    parts.append(_legend(colours))
    if hidden > 0:
        parts.append(f'<text x="{WIDTH - 10}" y="{height - 4}" text-anchor="end" class="note">+{hidden} more</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _edge(tie: Tie, at: dict[Actor, tuple[float, float]], colours: dict[str, str], cx: float, cy: float) -> str:
    x, y = at[tie.actor]
    arrow = "→" if tie.outgoing else "←"
    return (
        f'<line class="edge" x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" '
        f'stroke="{colours[tie.relation]}" stroke-width="1.5"><title>{escape(tie.relation)} {arrow} '
        f"{escape(tie.actor.label)}</title></line>"
    )


def _node(actor: Actor, x: float, y: float, radius: int, centre: bool = False) -> str:
    fill = KIND_FILL.get(actor.kind, KIND_FILL["other"])
    kind = "node centre" if centre else "node"
    label = escape(short(actor.label, 24 if centre else 14))
    tx, ty, anchor = _label_at(x, y, radius, centre)
    body = (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{fill}" stroke="#333"/>'
        f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">{label}</text>'
        f"<title>{escape(actor.title or actor.label)}</title>"
    )
    if actor.href and not centre:
        return f'<a class="{kind}" href="{escape(actor.href)}">{body}</a>'
    return f'<g class="{kind}">{body}</g>'


def _label_at(x: float, y: float, radius: int, centre: bool) -> tuple[float, float, str]:
    """Where a node's label goes: below the centre, outwards from the centre for the others."""
    if centre:
        return x, y + radius + 15, "middle"
    dx, dy = x - WIDTH / 2, y - HEIGHT / 2
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    anchor = "start" if ux > 0.3 else "end" if ux < -0.3 else "middle"
    return x + ux * (radius + 4), y + uy * (radius + 6) + 4, anchor


def _legend(colours: dict[str, str]) -> str:
    items = []
    for i, (relation, colour) in enumerate(colours.items()):
        x, y = 10 + 220 * (i % 4), HEIGHT + 8 + 14 * (i // 4)
        items.append(
            f'<line x1="{x}" y1="{y}" x2="{x + 18}" y2="{y}" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{x + 22}" y="{y + 4}" class="legend">{escape(short(relation, 26))}</text>'
        )
    return '<g class="legend">' + "".join(items) + "</g>"
