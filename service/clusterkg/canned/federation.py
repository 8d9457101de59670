"""Federated canned queries: ``SERVICE ?endpoint`` bound to an allow-listed endpoint before evaluation.

A canned query names its remote endpoint with a parameter of type ``iri`` and uses it as
``SERVICE ?endpoint { ... }``. Oxigraph evaluates ``SERVICE`` itself (over HTTP) but only with a
constant IRI: a ``VALUES`` binding of the variable is not enough ("the variable encoding the service
name is unbound"). So the bound, validated IRI is written in place of the variable, and the result is
then held to the same rule as a user's query at ``/sparql`` (``sparql/policy.py``): every ``SERVICE``
target must be on ``CLUSTERKG_SERVICE_ALLOWLIST`` or the query is refused (403 ``service_forbidden``).
Only then does it run on the worker that has network.

>>> from pyoxigraph import NamedNode
>>> resolve_services("SELECT * { SERVICE ?ep { ?s ?p ?o } }", {"ep": NamedNode("http://h/sparql")}, ["http://h/"])
'SELECT * { SERVICE <http://h/sparql> { ?s ?p ?o } }'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from pyoxigraph import Literal, NamedNode

from ..errors import ServiceForbidden
from ..sparql.policy import check_service

Term = NamedNode | Literal
# SERVICE [SILENT] ?var, outside strings/IRIs/comments (those are blanked before matching).
SERVICE_VARIABLE = re.compile(r"(?i)(?<![?$\w:])SERVICE(\s+SILENT)?\s+[?$]([A-Za-z_][A-Za-z0-9_]*)")
OPAQUE = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>\s]*>|#[^\n]*'
)


def uses_service(text: str) -> bool:
    """Whether a canned query (a file of ours) calls an endpoint named by a parameter: then it runs where
    there is network, and its answer is never cached."""
    return SERVICE_VARIABLE.search(_blank(text)) is not None


def _blank(text: str) -> str:
    """The text with strings, IRIs and comments replaced by spaces (same length), for safe matching."""
    return OPAQUE.sub(lambda m: " " * len(m.group()), text)


def without_header(text: str) -> str:
    """The query without its ``#+`` header lines (comments that may well mention services), line for line."""
    return "\n".join("" if line.startswith("#+") else line for line in text.split("\n"))


def resolve_services(text: str, terms: Mapping[str, Term | None], allowlist: Sequence[str]) -> str:
    """Write each ``SERVICE ?var`` whose variable is bound to an IRI as ``SERVICE <iri>``; then refuse
    the query unless every SERVICE target is on the allow-list."""
    if not uses_service(text):
        return text
    pieces, at = [], 0
    for match in SERVICE_VARIABLE.finditer(_blank(text)):
        term = terms.get(match.group(2))
        if isinstance(term, NamedNode):
            silent = match.group(1) or ""
            pieces += [text[at : match.start()], f"SERVICE{silent} {term}"]
            at = match.end()
    resolved = without_header("".join([*pieces, text[at:]]))
    if not check_service(resolved, allowlist):
        raise ServiceForbidden("The query's SERVICE endpoint is not given as an IRI.", target=None)
    return resolved
