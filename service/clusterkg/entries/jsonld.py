"""The JSON-LD context for writing entries as plain JSON, generated from the ontology.

Published at ``/context.jsonld``; its stable IRI is ``https://w3id.org/clusterkg/context.jsonld``. Every
class and property of the ontology is a term named by its local name (``Cluster``, ``coordinatedBy``),
object properties take IRIs (compact ones such as ``"cko:tama-association"`` work), labels and other text
take language maps (``"label": {"en": "...", "ja": "..."}``), and ``@vocab`` is the ontology namespace, so a
misspelt key becomes an unknown property that validation reports instead of being dropped silently.
"""

from __future__ import annotations

from typing import Any

from rdflib import OWL, URIRef
from rdflib.namespace import DCTERMS, XSD

from ..namespaces import ONT, prefixes
from .vocabulary import Vocabulary

CONTEXT_PATH = "/context.jsonld"

#: The prefixes the context declares: the ontology, the standard vocabularies entries use, every
#: instance namespace and every concept scheme.
PREFIXES = prefixes(
    *("ckg", "rdf", "rdfs", "xsd", "owl", "skos", "dcterms", "oa", "org", "prov", "schema"),
    *("cko", "ckper", "ckp", "ckcl", "ckpg", "cks", "ckcase", "ckobs", "ckds", "ckdef", "cknet", "ckev"),
    *("ckpub", "ckconf", "ckdoc", "ckx", "sf", "nk", "fm", "ik", "st", "cs", "apx", "unit", "bd", "tf", "ind"),
    *("rk", "ctk", "cr", "cc", "cnd", "sts", "lfk", "ok", "os", "ax", "lvl"),
)

#: Text written in several languages: a language map, ``{"en": "...", "ja": "..."}``.
TEXT_TERMS = {
    "label": "rdfs:label",
    "altLabel": "skos:altLabel",
    "prefLabel": "skos:prefLabel",
    "title": "dcterms:title",
    "exact": "oa:exact",
}
#: Terms from other vocabularies that take IRIs.
IRI_TERMS = {
    "inScheme": "skos:inScheme",
    "exactMatch": "skos:exactMatch",
    "member": "org:member",
    "organization": "org:organization",
}
#: Classes from other vocabularies the graph uses.
OTHER_CLASSES = {"Membership": "org:Membership"}
#: Properties whose values are written in several languages, besides the labels.
LANGUAGE_MAPPED = {
    "description",
    "definitionText",
    "heading",
    "productOrTechnology",
    "dateNote",
    "periodNote",
    "statementText",
    "criterionText",
}
#: English renderings of notes written in Japanese only: a plain string is English.
ENGLISH_RENDERING = URIRef(ONT + "englishRendering")
#: Datatypes worth coercing from a JSON string (numbers and booleans are typed by JSON itself).
COERCED = {XSD.integer, XSD.date, XSD.gYear, XSD.gYearMonth, XSD.decimal}


def _property_term(vocabulary: Vocabulary, prop: URIRef, name: str) -> dict[str, str]:
    term = {"@id": f"ckg:{name}"}
    kinds = vocabulary.property_kinds.get(prop, frozenset())
    text_annotation = URIRef(str(DCTERMS.description)) in vocabulary.super_properties.get(prop, ())
    if OWL.ObjectProperty in kinds or (OWL.AnnotationProperty in kinds and not text_annotation):
        term["@type"] = "@id"
    elif name in LANGUAGE_MAPPED or text_annotation:
        term["@container"] = "@language"
    elif ENGLISH_RENDERING in vocabulary.super_properties.get(prop, ()):
        term["@language"] = "en"
    else:
        ranges = vocabulary.ranges.get(prop, frozenset())
        if len(ranges) == 1 and next(iter(ranges)) in COERCED:
            term["@type"] = "xsd:" + str(next(iter(ranges)))[len(str(XSD)) :]
    return term


def build_context(vocabulary: Vocabulary) -> dict[str, Any]:
    """The context document: ``{"@context": {...}}``."""
    context: dict[str, Any] = {"@vocab": ONT, "id": "@id", "type": "@type"}
    context.update(PREFIXES)
    for name, iri in TEXT_TERMS.items():
        context[name] = {"@id": iri, "@container": "@language"}
    for name, iri in IRI_TERMS.items():
        context[name] = {"@id": iri, "@type": "@id"}
    context.update(OTHER_CLASSES)
    for cls in sorted(vocabulary.ours(vocabulary.classes)):
        name = str(cls)[len(ONT) :]
        context[name] = f"ckg:{name}"
    for prop in sorted(vocabulary.ours(vocabulary.properties)):
        name = str(prop)[len(ONT) :]
        context[name] = _property_term(vocabulary, prop, name)
    return {"@context": context}
