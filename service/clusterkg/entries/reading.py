"""Read an entry: RDF in Turtle, JSON-LD, N-Triples or RDF/XML, chosen by media type or file extension.

Parsing is pyoxigraph's: its errors carry the line and column, which become an ``EntrySyntaxError``. A
JSON-LD entry may name the ClusterKG context by URL (``https://w3id.org/clusterkg/context.jsonld``, or
``/context.jsonld`` of any server of this service); it is replaced by the context itself before parsing,
so nothing is ever fetched from the network, and any other remote context is refused.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import urlsplit

from pyoxigraph import Literal, RdfFormat, Triple, parse, serialize

from ..errors import BadRequest, EntrySyntaxError, PayloadTooLarge, UnsupportedMediaType
from ..formats import ENTRY_FORMATS, Format, for_file
from ..namespaces import CONTEXT_IRI
from .jsonld import CONTEXT_PATH
from .limits import EntryLimits

DEFAULT_MAX_BYTES = 1_000_000


FORMAT_NAMES = tuple(fmt.name for fmt in ENTRY_FORMATS)
#: How each format nests, for the nesting limit (Turtle's brackets for the others).
SYNTAX: dict[RdfFormat | None, str] = {RdfFormat.JSON_LD: "json", RdfFormat.RDF_XML: "xml"}


def format_named(name: str) -> Format:
    fmt = next((fmt for fmt in ENTRY_FORMATS if name == fmt.name), None)
    if fmt is not None:
        return fmt
    raise UnsupportedMediaType(f"Unknown entry format {name!r}: use one of {', '.join(FORMAT_NAMES)}.")


def format_for_media_type(content_type: str | None) -> Format:
    """The format of a ``Content-Type`` header (parameters such as ``charset`` are ignored)."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    fmt = next((fmt for fmt in ENTRY_FORMATS if media_type in fmt.media_types), None)
    if fmt is not None:
        return fmt
    supported = [fmt.media_type for fmt in ENTRY_FORMATS]
    raise UnsupportedMediaType(
        f"Unsupported Content-Type {media_type or '(none)'!r}: send the entry as {', '.join(supported)}.",
        supported=supported,
    )


def format_for_path(path: str | PurePath) -> Format:
    fmt = for_file(path, ENTRY_FORMATS)
    if fmt is not None:
        return fmt
    raise UnsupportedMediaType(
        f"Cannot tell the format of {PurePath(path).name} from its extension: give --input-format "
        f"({', '.join(FORMAT_NAMES)})."
    )


@dataclass(frozen=True)
class Entry:
    """The triples of an entry, without duplicates, in the order they were read."""

    triples: tuple[Triple, ...]
    format: Format

    def ntriples(self) -> str:
        return (serialize(self.triples, format=RdfFormat.N_TRIPLES) or b"").decode()

    def __len__(self) -> int:
        return len(self.triples)


def read_entry(
    data: bytes,
    fmt: Format,
    context: Mapping[str, Any] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    limits: EntryLimits = EntryLimits(),  # noqa: B008 - frozen, so one shared default is safe
) -> Entry:
    """Parse ``data``; ``context`` is the ClusterKG JSON-LD context document, used for JSON-LD entries.

    Raises ``PayloadTooLarge``, ``EntryRefused`` (a DTD, deeper nesting or more triples than ``limits``
    allow: checked before and while parsing), ``EntrySyntaxError`` (with ``line`` and ``column`` when
    known) or ``BadRequest`` (an empty entry, named graphs, RDF 1.2 triple terms).
    """
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"The entry has {len(data)} bytes, more than the limit of {max_bytes} (CLUSTERKG_MAX_ENTRY_BYTES).",
            limit=max_bytes,
        )
    limits.check_bytes(data, SYNTAX.get(fmt.rdf_format, "turtle"))
    if fmt.rdf_format == RdfFormat.JSON_LD:
        data = inline_context(data, context)
    try:
        quads = list(limits.bounded(parse(data, format=fmt.rdf_format, without_named_graphs=True)))
    except SyntaxError as error:
        raise syntax_error(error, data, fmt) from None
    except ValueError as error:
        raise EntrySyntaxError(f"The entry could not be read as {fmt.label}: {error}") from None
    triples = tuple(dict.fromkeys(quad.triple for quad in quads))
    check_triples(triples)
    return Entry(triples, fmt)


def check_triples(triples: Iterable[Triple]) -> None:
    count = 0
    for triple in triples:
        count += 1
        if isinstance(triple.object, Triple) or isinstance(triple.subject, Triple):
            raise BadRequest("The entry uses RDF 1.2 triple terms, which the graph does not hold.")
        if isinstance(triple.object, Literal) and triple.object.direction is not None:
            raise BadRequest(f"The literal {triple.object} has a base direction, which the graph does not hold.")
    if count == 0:
        raise BadRequest("The entry is empty: it holds no triples.")


_PARSER_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*: ")


def syntax_error(error: SyntaxError, data: bytes, fmt: Format) -> EntrySyntaxError:
    message = _PARSER_PREFIX.sub("", str(error.msg if error.msg else error))
    line, column = error.lineno, error.offset
    if line is None and fmt.rdf_format == RdfFormat.RDF_XML:
        line, column = xml_position(data)
    where = f" at line {line}, column {column}" if line is not None else ""
    return EntrySyntaxError(f"{fmt.label} syntax error{where}: {message}", line=line, column=column)


def xml_position(data: bytes) -> tuple[int | None, int | None]:
    """Where the XML parser stops, for RDF/XML errors the RDF parser reports without a position."""
    parser = ET.XMLParser()  # noqa: S314 - expat does not fetch external entities
    try:
        parser.feed(data)
        parser.close()
    except ET.ParseError as error:
        line, column = error.position
        return line, column + 1
    return None, None


# --- JSON-LD contexts ---------------------------------------------------------------------------------


def is_our_context(url: str) -> bool:
    parts = urlsplit(url)
    return url == CONTEXT_IRI or (parts.scheme in ("http", "https") and parts.path == CONTEXT_PATH)


def inline_context(data: bytes, context: Mapping[str, Any] | None) -> bytes:
    """The JSON-LD document with every reference to our context replaced by the context itself."""
    try:
        document = json.loads(data)
    except UnicodeDecodeError as error:
        raise EntrySyntaxError(f"The entry is not valid UTF-8: {error}") from None
    except json.JSONDecodeError as error:
        raise EntrySyntaxError(
            f"JSON syntax error at line {error.lineno}, column {error.colno}: {error.msg}",
            line=error.lineno,
            column=error.colno,
        ) from None
    inner = (context or {}).get("@context", {})
    return json.dumps(_replace_contexts(document, inner), ensure_ascii=False).encode()


def _replace_contexts(node: Any, inner: Any) -> Any:
    if isinstance(node, list):
        return [_replace_contexts(item, inner) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        result[key] = _resolve(value, inner) if key == "@context" else _replace_contexts(value, inner)
    return result


def _resolve(value: Any, inner: Any) -> Any:
    if isinstance(value, list):
        return [_resolve(item, inner) for item in value]
    if isinstance(value, str):
        if is_our_context(value):
            return inner
        raise BadRequest(
            f"The JSON-LD context {value!r} is not fetched: use {CONTEXT_IRI} or write the context inline.",
            context=value,
        )
    return value
