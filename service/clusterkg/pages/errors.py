"""Errors as HTML pages for browsers: a page that asks for ``text/html`` by name gets the site's layout with
the message; every other client (``*/*``, ``application/json``, none) keeps the JSON error unchanged."""

from __future__ import annotations

from http import HTTPStatus

from ..errors import ClusterKGError
from ..sparql.negotiation import parse_accept
from .templating import render_page

HTML_TYPES = ("text/html", "application/xhtml+xml")


def wants_html(accept: str | None) -> bool:
    """True when ``text/html`` is named and preferred to JSON (a browser navigating to a page).

    >>> wants_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    True
    >>> wants_html("*/*"), wants_html(None), wants_html("application/json"), wants_html("application/json, text/html;q=0.5")
    (False, False, False, False)
    """
    ranges = parse_accept(accept or "")
    html = max((r.q for r in ranges if f"{r.type}/{r.subtype}" in HTML_TYPES), default=0.0)
    json = max((r.q for r in ranges if f"{r.type}/{r.subtype}" == "application/json"), default=0.0)
    return html > 0 and html >= json


def error_page(error: ClusterKGError, path: str) -> str:
    """The HTML page of an error: its status, reason and message, in the site's layout."""
    try:
        reason = HTTPStatus(error.status).phrase
    except ValueError:
        reason = "Error"
    return render_page(
        "error.html", current=path, status=error.status, reason=reason, code=error.code, message=error.message
    )
