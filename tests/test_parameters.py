"""Typed parameters: each declared type turns text into one RDF term, or a 422 naming the parameter."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode

from clusterkg.canned.parameters import InvalidParameter, Parameter, bind_values

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize(
    ("spec", "raw", "term"),
    [
        (
            Parameter(type="iri"),
            "https://w3id.org/clusterkg/id/org/ivam",
            NamedNode("https://w3id.org/clusterkg/id/org/ivam"),
        ),
        (Parameter(type="string"), 'x" } UNION { ?s ?p ?o } #', Literal('x" } UNION { ?s ?p ?o } #')),
        (Parameter(type="lang_string"), "協会@ja", Literal("協会", language="ja")),
        (Parameter(type="lang_string", language="en"), "TAMA", Literal("TAMA", language="en")),
        (Parameter(type="integer", minimum=1), "+42", Literal("42", datatype=NamedNode(XSD + "integer"))),
        (Parameter(type="decimal"), "2.05", Literal("2.05", datatype=NamedNode(XSD + "decimal"))),
        (Parameter(type="date"), "2004-01-05", Literal("2004-01-05", datatype=NamedNode(XSD + "date"))),
        (Parameter(type="enum", enum=("en", "ja")), "ja", Literal("ja")),
        (
            Parameter(type="enum", enum=("type-i",), enum_base="https://w3id.org/clusterkg/concept/support-type/"),
            "type-i",
            NamedNode("https://w3id.org/clusterkg/concept/support-type/type-i"),
        ),
    ],
)
def test_values_become_terms(spec: Parameter, raw: str, term: object) -> None:
    assert spec.to_term("p", raw) == term


@pytest.mark.parametrize(
    ("spec", "raw", "problem"),
    [
        (Parameter(type="iri"), "ivam", "absolute http(s) IRI"),
        (Parameter(type="iri"), "javascript:alert(1)", "absolute http(s) IRI"),
        (Parameter(type="iri"), "http://e/a>b", "not a valid IRI"),
        (Parameter(type="iri"), "http://e/a> <http://e/b", "not a valid IRI"),
        (Parameter(type="iri"), "http://e/a b", "not a valid IRI"),
        (Parameter(type="iri"), 'http://e/a"b', "not a valid IRI"),
        (Parameter(type="iri"), "http://e/{x}", "not a valid IRI"),
        (Parameter(type="iri", prefix="https://w3id.org/clusterkg/id/org/"), "https://example.org/x", "starting with"),
        (Parameter(type="string"), "a\nb", "control characters"),
        (Parameter(type="string"), "a\x00b", "control characters"),
        (Parameter(type="string", max_length=10), "x" * 11, "longer than 10"),
        (Parameter(type="string"), "x" * 100_000, "longer than"),
        (Parameter(type="string", pattern="^[0-9]{4}$"), "20040", "must match"),
        (Parameter(type="lang_string"), "no tag", "language tag"),
        (Parameter(type="lang_string"), "x@not a tag", "language tag"),
        (Parameter(type="integer"), "1.5", "integer"),
        (Parameter(type="integer"), "1 UNION", "integer"),
        (Parameter(type="integer", maximum=10), "11", "at most 10"),
        (Parameter(type="decimal"), "1e5", "decimal"),
        (Parameter(type="date"), "2004-02-30", "YYYY-MM-DD"),
        (Parameter(type="date"), "20040105", "YYYY-MM-DD"),
        (Parameter(type="enum", enum=("en", "ja")), "fr", "one of: en, ja"),
    ],
)
def test_bad_values_are_refused_naming_the_parameter(spec: Parameter, raw: str, problem: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        spec.to_term("p", raw)
    assert caught.value.status == 422 and caught.value.code == "bad_parameter"
    assert caught.value.extra["parameter"] == "p" and problem in caught.value.message


def test_defaults_fill_in_and_optional_parameters_stay_unbound() -> None:
    declared = {
        "lang": Parameter(type="enum", enum=("en", "ja"), default="en"),
        "status": Parameter(type="enum", enum=("a",), required=False),
    }
    assert bind_values(declared, {}) == {"lang": Literal("en"), "status": None}


def test_missing_and_unknown_parameters_are_refused() -> None:
    with pytest.raises(InvalidParameter, match="'org' is required"):
        bind_values({"org": Parameter(type="iri")}, {})
    with pytest.raises(InvalidParameter, match="'x' is not a parameter"):
        bind_values({}, {"x": "1"})


@pytest.mark.parametrize(
    "header",
    [
        {"type": "enum"},
        {"type": "string", "enum": ["a"]},
        {"type": "string", "prefix": "http://e/"},
        {"type": "iri", "pattern": "x"},
        {"type": "iri", "required": True, "default": "http://e/"},
        {"type": "uri"},
    ],
)
def test_inconsistent_declarations_are_refused(header: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Parameter.model_validate(header)
