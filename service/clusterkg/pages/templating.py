"""The HTML pages' one layout: a Jinja2 environment over ``templates/``.

``templates/base.html`` writes the header, the navigation and the footer once; every page (the SPARQL
editor, the questions, the validation form, the resource pages, the error pages) extends it and fills its
``content`` block. ``render_page`` renders one of them for the path it is served at, so the navigation
marks the current page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(name: str, current: str, **context: Any) -> str:
    """The page ``name`` (a template) for the path ``current`` (the navigation link to it is marked as the current page)."""
    return environment().get_template(name).render(current=current, **context)
