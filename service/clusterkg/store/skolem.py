"""Blank nodes across a remote store: skolemised on the way in, given back as blank nodes on the way out.

Many servers refuse blank nodes in ``INSERT DATA`` (Virtuoso: "Blank node ... is not allowed in a constant
clause"), and none keeps their labels, so a blank node written by one update could never be found again by
the next batch of the same graph. The remote store therefore writes every blank node as a Skolem IRI
(RDF 1.1 Concepts, section 3.5) under :data:`GENID`, named by the graph's content hash and the blank
node's label, and turns every such IRI in an answer back into a blank node with that name. So queries see
the same shapes as on the embedded store (``isBlank`` aside: on the server they are IRIs).

>>> from pyoxigraph import BlankNode, Literal, NamedNode, Triple
>>> triple = Triple(BlankNode("b0"), NamedNode("http://example.org/p"), Literal("x"))
>>> skolemised = skolemise([triple], "3f2a")[0]
>>> skolemised.subject
<NamedNode value=https://w3id.org/.well-known/genid/clusterkg-3f2a-b0>
>>> unskolemise(skolemised.subject)
<BlankNode value=clusterkg-3f2a-b0>
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pyoxigraph import BlankNode, NamedNode, Quad, Triple

GENID = "https://w3id.org/.well-known/genid/"
_PREFIX = GENID + "clusterkg-"
_NOT_LABEL = re.compile(r"[^A-Za-z0-9_-]")

Subject = NamedNode | BlankNode | Triple


def skolem_iri(node: BlankNode, scope: str) -> NamedNode:
    """The Skolem IRI of a blank node; ``scope`` (a content hash, a case id) keeps different sources apart."""
    return NamedNode(f"{_PREFIX}{scope}-{_NOT_LABEL.sub('_', node.value)}")


def _term(term: object, scope: str) -> object:
    if isinstance(term, BlankNode):
        return skolem_iri(term, scope)
    if isinstance(term, Triple):
        return skolemise_triple(term, scope)
    return term


def skolemise_triple(triple: Triple, scope: str) -> Triple:
    return Triple(_term(triple.subject, scope), triple.predicate, _term(triple.object, scope))  # type: ignore[arg-type]


def skolemise(triples: Iterable[Triple], scope: str) -> list[Triple]:
    """The triples with every blank node replaced by its Skolem IRI."""
    return [skolemise_triple(triple, scope) for triple in triples]


def is_skolem(term: object) -> bool:
    return isinstance(term, NamedNode) and term.value.startswith(_PREFIX)


def unskolemise(term: object) -> object:
    """A Skolem IRI of ours as the blank node it stands for (its label is the IRI's last segment); any
    other term as it is."""
    if isinstance(term, NamedNode) and term.value.startswith(_PREFIX):
        return BlankNode(term.value[len(GENID) :])
    if isinstance(term, Triple) and (is_skolem(term.subject) or is_skolem(term.object)):
        return Triple(unskolemise(term.subject), term.predicate, unskolemise(term.object))  # type: ignore[arg-type]
    return term


def unskolemise_triple(triple: Triple) -> Triple:
    if not (is_skolem(triple.subject) or is_skolem(triple.object)):
        return triple
    return Triple(unskolemise(triple.subject), triple.predicate, unskolemise(triple.object))  # type: ignore[arg-type]


def unskolemise_quad(quad: Quad) -> Quad:
    triple = unskolemise_triple(quad.triple)
    return Quad(triple.subject, triple.predicate, triple.object, quad.graph_name)
