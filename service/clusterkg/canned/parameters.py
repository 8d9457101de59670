"""Typed parameters of canned queries: a declared parameter turns a raw string into one RDF term.

Each canned query declares its parameters in its header (see ``catalogue.py``). A value from a URL,
a form or the command line is validated against the declaration and converted into a pyoxigraph
term; the term, never the raw text, is what the query is bound to (see ``binding.py``).

>>> Parameter(type="integer", minimum=1).to_term("limit", "12")
<Literal value=12 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
>>> Parameter(type="enum", enum=["en", "ja"]).to_term("lang", "ja")
<Literal value=ja datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pyoxigraph import Literal, NamedNode

from ..errors import BadParameter
from ..namespaces import XSD

XSD_INTEGER = NamedNode(XSD + "integer")
XSD_DECIMAL = NamedNode(XSD + "decimal")
XSD_DATE = NamedNode(XSD + "date")

Term = NamedNode | Literal

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
RESERVED = frozenset({"limit", "offset", "format"})
INTEGER = re.compile(r"^[+-]?[0-9]+$")
DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_LENGTH = 500


class InvalidParameter(BadParameter):
    """A canned query's parameter is missing, unknown or not of its declared type (HTTP 422)."""

    status = 422


def bad(name: str, problem: str) -> InvalidParameter:
    """The error for parameter ``name``: ``Parameter 'org' must be an absolute http(s) IRI.``"""
    return InvalidParameter(f"Parameter {name!r} {problem}.", parameter=name, problem=problem)


class Parameter(BaseModel):
    """One declared parameter: its type, default, allowed values and limits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str
    description: str = ""
    default: str | int | float | None = None
    required: bool | None = None
    enum: tuple[str, ...] | None = None
    enum_base: str | None = Field(default=None, description="enum values become IRIs under this base")
    prefix: str | None = Field(default=None, description="an iri must start with this")
    language: str | None = Field(default=None, description="language tag of a lang_string")
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = MAX_LENGTH
    pattern: str | None = Field(default=None, description="a string must match this regular expression")
    example: str | int | float | None = None

    @field_validator("type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in TYPES:
            raise ValueError(f"unknown parameter type {value!r}: use one of {', '.join(TYPES)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Parameter:
        if (self.type == "enum") != bool(self.enum):
            raise ValueError("an enum parameter, and only an enum parameter, lists its 'enum' values")
        if self.enum_base is not None and self.type != "enum":
            raise ValueError("'enum_base' only applies to enum parameters")
        if self.prefix is not None and self.type != "iri":
            raise ValueError("'prefix' only applies to iri parameters")
        if self.pattern is not None:
            if self.type != "string":
                raise ValueError("'pattern' only applies to string parameters")
            re.compile(self.pattern)
        if self.required and self.default is not None:
            raise ValueError("a required parameter has no default")
        return self

    @property
    def is_required(self) -> bool:
        """Required unless it has a default or is declared ``required: false`` (then left unbound)."""
        return self.default is None and self.required is not False

    def to_term(self, name: str, raw: str) -> Term:
        """Validate ``raw`` and return the RDF term it stands for, or raise :class:`BadParameter`."""
        if len(raw) > self.max_length:
            raise bad(name, f"is longer than {self.max_length} characters")
        if CONTROL.search(raw):
            raise bad(name, "contains control characters (line breaks, tabs, NUL)")
        return TYPES[self.type].convert(self, name, raw)


def _iri(spec: Parameter, name: str, raw: str) -> NamedNode:
    if not raw.startswith(("http://", "https://")):
        raise bad(name, "must be an absolute http(s) IRI")
    try:
        term = NamedNode(raw)  # rejects spaces, <, >, ", {, }, |, ^, `, \ and relative IRIs
    except ValueError as error:
        raise bad(name, f"is not a valid IRI ({error})") from None
    if spec.prefix is not None and not raw.startswith(spec.prefix):
        raise bad(name, f"must be an IRI starting with {spec.prefix}")
    return term


def _string(spec: Parameter, name: str, raw: str) -> Literal:
    if spec.pattern is not None and not re.search(spec.pattern, raw):
        raise bad(name, f"must match {spec.pattern}")
    return Literal(raw)


def _lang_string(spec: Parameter, name: str, raw: str) -> Literal:
    text, tag = raw, spec.language
    if "@" in raw and spec.language is None:
        text, _, tag = raw.rpartition("@")
    if not tag or not LANGUAGE_TAG.match(tag):
        raise bad(name, "needs a language tag, written text@en or text@ja")
    return Literal(text, language=tag.lower())


def _number(spec: Parameter, name: str, value: Decimal) -> None:
    if spec.minimum is not None and value < Decimal(str(spec.minimum)):
        raise bad(name, f"must be at least {spec.minimum}")
    if spec.maximum is not None and value > Decimal(str(spec.maximum)):
        raise bad(name, f"must be at most {spec.maximum}")


def _integer(spec: Parameter, name: str, raw: str) -> Literal:
    if not INTEGER.match(raw):
        raise bad(name, "must be an integer")
    _number(spec, name, Decimal(raw))
    return Literal(str(int(raw)), datatype=XSD_INTEGER)


def _decimal(spec: Parameter, name: str, raw: str) -> Literal:
    if not DECIMAL.match(raw):
        raise bad(name, "must be a decimal number such as 2.05")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise bad(name, "must be a decimal number such as 2.05") from None
    _number(spec, name, value)
    return Literal(raw, datatype=XSD_DECIMAL)


def _date(spec: Parameter, name: str, raw: str) -> Literal:
    try:
        value = datetime.date.fromisoformat(raw)
    except ValueError:
        raise bad(name, "must be a date written YYYY-MM-DD") from None
    if len(raw) != 10:
        raise bad(name, "must be a date written YYYY-MM-DD")
    return Literal(value.isoformat(), datatype=XSD_DATE)


def _enum(spec: Parameter, name: str, raw: str) -> Term:
    assert spec.enum is not None
    if raw not in spec.enum:
        raise bad(name, f"must be one of: {', '.join(spec.enum)}")
    if spec.enum_base is not None:
        return NamedNode(spec.enum_base + raw)
    return Literal(raw)


@dataclass(frozen=True)
class ParameterType:
    """A type a parameter may declare: how a raw value becomes its term, and its JSON Schema (in the
    OpenAPI description, before the declaration's own constraints)."""

    convert: Callable[[Parameter, str, str], Term]
    schema: dict[str, Any]


#: Every parameter type. Adding one is one entry here (with its converter above) and a test.
TYPES: dict[str, ParameterType] = {
    "iri": ParameterType(_iri, {"type": "string", "format": "uri"}),
    "string": ParameterType(_string, {"type": "string"}),
    "lang_string": ParameterType(_lang_string, {"type": "string"}),
    "integer": ParameterType(_integer, {"type": "integer"}),
    "decimal": ParameterType(_decimal, {"type": "number"}),
    "date": ParameterType(_date, {"type": "string", "format": "date"}),
    "enum": ParameterType(_enum, {"type": "string"}),
}


def bind_values(declared: dict[str, Parameter], given: dict[str, str]) -> dict[str, Term | None]:
    """Convert the given raw values of every declared parameter; defaults fill the gaps.

    Unknown names are refused, a missing required parameter is refused, and an optional parameter
    without default stays unbound (``None``).

    >>> bind_values({"n": Parameter(type="integer", default=3)}, {})
    {'n': <Literal value=3 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>}
    """
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise bad(unknown[0], "is not a parameter of this query")
    terms: dict[str, Term | None] = {}
    for name, spec in declared.items():
        raw = given.get(name)
        if raw is None or raw == "":
            raw = None if spec.default is None else str(spec.default)
        if raw is None:
            if spec.is_required:
                raise bad(name, "is required")
            terms[name] = None
            continue
        terms[name] = spec.to_term(name, raw)
    return terms
