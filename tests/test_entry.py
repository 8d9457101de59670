"""Reading an entry: formats by media type or extension, syntax errors with their line and column, the size
limit, and JSON-LD written as plain JSON with the ClusterKG context, resolved without any network access."""

from __future__ import annotations

import json
import socket
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from clusterkg.entries.jsonld import build_context
from clusterkg.entries.reading import format_for_media_type, format_for_path, format_named, read_entry
from clusterkg.entries.vocabulary import Vocabulary
from clusterkg.errors import BadRequest, EntrySyntaxError, PayloadTooLarge, UnsupportedMediaType
from clusterkg.formats import ENTRY_FORMATS
from clusterkg.namespaces import CONTEXT_IRI
from clusterkg.sources import locate

REPO = Path(__file__).resolve().parents[1]
CKG = "https://w3id.org/clusterkg/ont#"
TRIPLE = '<https://w3id.org/clusterkg/id/org/x> <http://www.w3.org/2000/01/rdf-schema#label> "X"@en .\n'


@cache
def context() -> dict[str, Any]:
    return build_context(Vocabulary.load(locate()))


@pytest.mark.parametrize(
    ("media_type", "name"),
    [
        ("text/turtle", "turtle"),
        ("text/turtle; charset=utf-8", "turtle"),
        ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
        ("application/n-triples", "ntriples"),
        ("application/rdf+xml", "rdfxml"),
    ],
)
def test_the_format_follows_the_media_type(media_type: str, name: str) -> None:
    assert format_for_media_type(media_type).name == name


@pytest.mark.parametrize("media_type", [None, "", "text/csv", "application/sparql-query", "multipart/form-data"])
def test_an_unsupported_media_type_is_refused(media_type: str | None) -> None:
    with pytest.raises(UnsupportedMediaType):
        format_for_media_type(media_type)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.ttl", "turtle"), ("a.jsonld", "jsonld"), ("a.json", "jsonld"), ("a.nt", "ntriples"), ("a.rdf", "rdfxml")],
)
def test_the_format_follows_the_extension(name: str, fmt: str) -> None:
    assert format_for_path(name).name == fmt


def test_the_same_triple_in_every_format() -> None:
    texts = {
        "turtle": TRIPLE,
        "ntriples": TRIPLE,
        "jsonld": json.dumps(
            {
                "@id": "https://w3id.org/clusterkg/id/org/x",
                "http://www.w3.org/2000/01/rdf-schema#label": {"@value": "X", "@language": "en"},
            }
        ),
        "rdfxml": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        '<rdf:Description rdf:about="https://w3id.org/clusterkg/id/org/x"><rdfs:label xml:lang="en">X</rdfs:label>'
        "</rdf:Description></rdf:RDF>",
    }
    entries = {name: read_entry(text.encode(), format_named(name), context()) for name, text in texts.items()}
    assert {entry.ntriples() for entry in entries.values()} == {TRIPLE}
    assert {fmt.name for fmt in ENTRY_FORMATS} == set(texts)


@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        (
            "turtle",
            '@prefix ckg: <https://w3id.org/clusterkg/ont#> .\nckg:a ckg:b ckg:c .\nckg:a ckg:b "open .\n',
            3,
            13,
        ),
        ("turtle", TRIPLE + "<https://a> <https://b> .\n", 2, 25),
        ("turtle", TRIPLE + "<relative> <https://b> <https://c> .\n", 2, 1),
        ("ntriples", TRIPLE + "<https://a> <https://b> _:x _:y .\n", 2, 29),
        ("jsonld", '{\n  "@id": "https://a",\n  "https://b": \n}', 4, 1),
        (
            "rdfxml",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n  <oops\n</rdf:RDF>',
            4,
            1,
        ),
    ],
)
def test_a_syntax_error_has_its_line_and_column(name: str, text: str, line: int, column: int) -> None:
    with pytest.raises(EntrySyntaxError) as caught:
        read_entry(text.encode(), format_named(name), context())
    assert (caught.value.line, caught.value.column) == (line, column), caught.value.message
    assert f"line {line}, column {column}" in caught.value.message
    assert caught.value.to_json()["line"] == line


def test_an_entry_larger_than_the_limit_is_refused() -> None:
    with pytest.raises(PayloadTooLarge):
        read_entry(TRIPLE.encode() * 100, format_named("ntriples"), max_bytes=1000)


def test_an_empty_entry_is_refused() -> None:
    with pytest.raises(BadRequest, match="empty"):
        read_entry(b"@prefix ckg: <https://w3id.org/clusterkg/ont#> .\n", format_named("turtle"))


def test_named_graphs_are_refused() -> None:
    doc = {"@id": "https://w3id.org/clusterkg/graph/x", "@graph": [{"@id": "https://a", "https://b": "c"}]}
    with pytest.raises(EntrySyntaxError):
        read_entry(json.dumps(doc).encode(), format_named("jsonld"))


def test_duplicate_triples_are_read_once() -> None:
    assert len(read_entry((TRIPLE * 3).encode(), format_named("ntriples"))) == 1


# --- JSON-LD with the ClusterKG context -------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def plain_json(context_url: str = CONTEXT_IRI) -> dict[str, Any]:
    return {
        "@context": context_url,
        "id": "cko:example-association",
        "type": "Association",
        "label": {"en": "Example Association", "ja": "例の協会"},
        "foundingDate": {"@value": "2020-04", "@type": "xsd:gYearMonth"},
        "country": "ckp:japan",
        "evidence": {"type": "Evidence", "inPassage": "ckdoc:lecture-09", "exact": {"ja": "引用"}},
    }


@pytest.mark.parametrize(
    "url", [CONTEXT_IRI, "http://127.0.0.1:8000/context.jsonld", "https://kg.example.org/context.jsonld"]
)
def test_plain_json_with_our_context_is_read_offline(url: str, no_network: None) -> None:
    entry = read_entry(json.dumps(plain_json(url)).encode(), format_named("jsonld"), context())
    text = entry.ntriples()
    assert (
        f"<https://w3id.org/clusterkg/id/org/example-association> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{CKG}Association>"
        in text
    )
    assert '"例の協会"@ja' in text
    assert '"2020-04"^^<http://www.w3.org/2001/XMLSchema#gYearMonth>' in text
    assert f"<{CKG}country> <https://w3id.org/clusterkg/id/place/japan>" in text
    assert f"<{CKG}inPassage> <https://w3id.org/clusterkg/id/doc/chapter-2-3/lecture-09>" in text


def test_another_remote_context_is_not_fetched(no_network: None) -> None:
    with pytest.raises(BadRequest, match="not fetched"):
        read_entry(
            json.dumps(plain_json("https://elsewhere.example/ctx.jsonld")).encode(), format_named("jsonld"), context()
        )


def test_a_misspelt_key_becomes_an_unknown_property_instead_of_vanishing() -> None:
    doc = {**plain_json(), "foundingYear": "2020"}
    assert f"<{CKG}foundingYear>" in read_entry(json.dumps(doc).encode(), format_named("jsonld"), context()).ntriples()


def test_an_explanation_in_plain_json() -> None:
    doc = {
        "@context": CONTEXT_IRI,
        "id": "ckx:example-reason",
        "type": "Reason",
        "explains": "cks:tama-hr-matching",
        "explainedProperty": "ckg:freeOfCharge",
        "explainedValue": True,
        "reasonKind": "rk:cause",
        "statementText": {"ja": "大手企業がスポンサー", "en": "Large firms sponsor it."},
        "periodNote": {"ja": "現在"},
        "periodNoteTranslation": "at present",
    }
    text = read_entry(json.dumps(doc).encode(), format_named("jsonld"), context()).ntriples()
    reason = "<https://w3id.org/clusterkg/id/explanation/example-reason>"
    assert f"{reason} <{CKG}reasonKind> <https://w3id.org/clusterkg/concept/reason-kind/cause>" in text
    assert f"{reason} <{CKG}explainedProperty> <{CKG}freeOfCharge>" in text
    assert f'{reason} <{CKG}explainedValue> "true"^^<http://www.w3.org/2001/XMLSchema#boolean>' in text
    assert f'{reason} <{CKG}statementText> "Large firms sponsor it."@en' in text
    assert f'{reason} <{CKG}periodNoteTranslation> "at present"@en' in text


def test_the_context_names_every_class_and_property_of_the_ontology() -> None:
    vocabulary = Vocabulary.load(locate())
    terms = context()["@context"]
    for term in vocabulary.ours([*vocabulary.classes, *vocabulary.properties]):
        name = str(term)[len(CKG) :]
        definition = terms[name]
        assert (definition if isinstance(definition, str) else definition["@id"]) == f"ckg:{name}"
    assert terms["coordinatedBy"]["@type"] == "@id"
    assert terms["label"]["@container"] == "@language"
