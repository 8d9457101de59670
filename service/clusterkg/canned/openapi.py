"""The OpenAPI description of a canned query: its operation text, typed parameters and responses.

Each canned query becomes one operation (``http/queries.py``), with its parameters typed as its header
declares them (enums as enums, IRIs as URIs, defaults and examples), so generated clients get one method
per question.
"""

from __future__ import annotations

import re
from typing import Any

from ..sparql.negotiation import formats_for
from .catalogue import CannedQuery
from .parameters import TYPES, Parameter
from .runner import Page


def operation_description(query: CannedQuery) -> str:
    tags = ", ".join(query.header.tags)
    example = f"\n\nExample: `{query.header.example}`" if query.header.example else ""
    return f"{query.header.description}\n\nTags: {tags}.{example}\n\n```sparql\n{query.text.strip()}\n```"


def openapi_parameters(query: CannedQuery) -> list[dict[str, Any]]:
    declared = [
        {
            "name": name,
            "in": "query",
            "required": spec.is_required,
            "description": spec.description,
            "schema": parameter_schema(spec),
            **({"example": str(spec.example)} if spec.example is not None else {}),
        }
        for name, spec in query.header.parameters.items()
    ]
    return declared + paging_parameters(query)


def parameter_schema(spec: Parameter) -> dict[str, Any]:
    constraints = {
        "pattern": "^" + re.escape(spec.prefix) if spec.prefix else spec.pattern,
        "enum": list(spec.enum) if spec.enum else None,
        "maxLength": spec.max_length if spec.type in ("string", "lang_string") else None,
        "minimum": spec.minimum,
        "maximum": spec.maximum,
        "default": spec.default,
    }
    return TYPES[spec.type].schema | {key: value for key, value in constraints.items() if value is not None}


def paging_parameters(query: CannedQuery) -> list[dict[str, Any]]:
    formats = [fmt.name for fmt in formats_for(query.form in ("CONSTRUCT", "DESCRIBE"))]
    return [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": "Rows per page; a Link header with rel=next points to the next page.",
            "schema": {"type": "integer", "minimum": 1, "default": Page().limit},
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "Rows to skip.",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        },
        {
            "name": "format",
            "in": "query",
            "required": False,
            "description": "Result format; overrides the Accept header.",
            "schema": {"type": "string", "enum": formats},
        },
    ]


def operation_responses(query: CannedQuery) -> dict[int | str, dict[str, Any]]:
    formats = formats_for(query.form in ("CONSTRUCT", "DESCRIBE"))
    error_schema = {"type": "object", "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}
    error = {"application/json": {"schema": error_schema}}
    return {
        200: {"description": "The answer", "content": {fmt.media_type: {} for fmt in formats}},
        404: {"description": "Unknown query", "content": error},
        422: {
            "description": "A parameter is missing, unknown or not of its type (named in the error)",
            "content": error,
        },
    }
