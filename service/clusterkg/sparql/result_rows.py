"""Count the rows of a SPARQL results document that pyoxigraph wrote, exactly, from its bytes.

Each count relies on how the engine escapes what it writes (checked in ``tests/test_result_rows.py``):

- XML: one ``<result>`` element a row. Text is escaped (``<`` as ``&lt;``) and attribute values hold
  variable names, language tags and datatype IRIs, none of which can hold ``<``, so the tag occurs nowhere
  else.
- TSV: a header line, then one line a row; the engine writes every term in its Turtle form, where a
  newline is escaped as ``\\n``, and IRIs, blank node labels and language tags cannot hold one.
- JSON: the objects that are rows (``json_rows``), or the length of ``results.bindings`` parsed with
  orjson when a literal could be mistaken for one.
- CSV: records of one field a variable (RFC 4180, as the engine writes it). The engine writes IRIs and
  triple terms unquoted, so a record may be split or widened by a comma, quote or line break in one;
  such a document is not well formed and not counted (``None``).

>>> count_rows(b'?s\\n<http://e/a>\\n"two\\\\nlines"\\n', "tsv", 1)
2
>>> count_rows(b'x\\r\\nhttp://e/s http://e/p "a,b"\\r\\n', "csv", 1) is None
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import orjson

#: ``{"`` whose quote closes a string rather than opening a key: one of these follows such a quote.
_CLOSING_QUOTE = re.compile(rb'\{"[,}\]:]')


def json_rows(body: bytes, width: int) -> int:
    """The objects that open with a key (``{"``), less the document and the objects that are values.

    The engine writes compact JSON in which a quote inside a string is escaped as ``\\"``, so the quote of
    ``{"`` opens or closes a string. Where it opens one, the ``{`` opens an object and the string is its
    first key; where it closes one (a literal whose text ends in ``{``), one of ``,}]:`` follows it. When
    no quote closes a string that way and no object is empty (``{}``, a row without a binding), the objects
    are the document, those after a ``:`` (``head``, ``results``, each bound value and the parts of a
    triple term) and the rows, and three scans of the bytes count them. Any other document is parsed with
    orjson."""
    if b"{}" in body or _CLOSING_QUOTE.search(body) is not None:
        return len(orjson.loads(body)["results"]["bindings"])
    return body.count(b'{"') - body.count(b':{"') - 1


def xml_rows(body: bytes, width: int) -> int:
    return body.count(b"<result>")


def tsv_rows(body: bytes, width: int) -> int:
    return body.count(b"\n") - 1


#: A CSV field as the engine writes it: quoted (quotes inside doubled), or free of quotes, commas and line breaks.
_CSV_FIELD = rb'(?:"[^"]*(?:""[^"]*)*"|[^",\r\n]*)'


@functools.lru_cache(maxsize=64)
def _csv_patterns(width: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """A whole document of records of ``width`` fields, and one such record (an empty line for no field or
    one empty field)."""
    fields = b"" if width == 0 else _CSV_FIELD + (b"," + _CSV_FIELD) * (width - 1)
    record = fields + b"\r\n"
    return re.compile(b"(?:" + record + b")+"), re.compile(record)


def csv_rows(body: bytes, width: int) -> int | None:
    """Records after the header, or ``None`` unless the whole document is records of ``width`` fields each.

    The parse is unique (a quoted field ends at the first quote not doubled; a field that is not quoted
    holds no quote), so the records ``findall`` meets are the document's records."""
    document, record = _csv_patterns(width)
    if document.fullmatch(body) is None:
        return None
    return len(record.findall(body)) - 1


COUNTERS: dict[str, Callable[[bytes, int], int | None]] = {
    "json": json_rows,
    "xml": xml_rows,
    "tsv": tsv_rows,
    "csv": csv_rows,
}


def count_rows(body: bytes, fmt_name: str, width: int) -> int | None:
    """Rows in ``body``, a results document the engine wrote in ``fmt_name`` for ``width`` variables;
    ``None`` where its bytes do not tell exactly."""
    counter = COUNTERS.get(fmt_name)
    return None if counter is None else counter(body, width)
