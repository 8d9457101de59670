"""How commands print answers for people: SPARQL JSON as an aligned table."""

from __future__ import annotations

import json

from ..store.base import QueryResult


def render_table(result: QueryResult) -> str:
    """SPARQL JSON as an aligned text table; graphs are printed as they are."""
    if result.result_format != "json":
        return result.body.decode()
    data = json.loads(result.body)
    if "boolean" in data:
        return str(data["boolean"]).lower()
    names = data["head"]["vars"]
    rows = [[_cell(binding.get(name)) for name in names] for binding in data["results"]["bindings"]]
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    lines = [" | ".join(name.ljust(width) for name, width in zip(names, widths, strict=True))]
    lines.append("-+-".join("-" * width for width in widths))
    lines.extend(" | ".join(value.ljust(width) for value, width in zip(row, widths, strict=True)) for row in rows)
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if result.truncated else ''})"
    return "\n".join([*lines, footer])


def _cell(term: dict[str, str] | None) -> str:
    if term is None:
        return ""
    if term["type"] == "bnode":
        return "_:" + term["value"]
    if "xml:lang" in term:
        return f"{term['value']}@{term['xml:lang']}"
    return str(term["value"])
