"""Count the rows of a SPARQL results document that pyoxigraph wrote, exactly, from its bytes.

Each count relies on how the engine escapes what it writes (checked in ``tests/test_result_rows.py``):

- XML: one ``<result>`` element a row. Text is escaped (``<`` as ``&lt;``) and attribute values hold
  variable names, language tags and datatype IRIs, none of which can hold ``<``, so the tag occurs nowhere
  else.
- TSV: a header line, then one line a row; the engine writes every term in its Turtle form, where a
  newline is escaped as ``\\n``, and IRIs, blank node labels and language tags cannot hold one.
- JSON: the length of ``results.bindings``, parsed.
- CSV: records as the ``csv`` module reads them. The engine writes a triple term unquoted, so a record
  may be split or widened by a comma or newline in it; such a document is not counted (``None``).

>>> count_rows(b'?s\\n<http://e/a>\\n"two\\\\nlines"\\n', "tsv", 1)
2
>>> count_rows(b'x\\r\\nhttp://e/s http://e/p "a,b"\\r\\n', "csv", 1) is None
True
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import orjson


def json_rows(body: bytes, width: int) -> int:
    return len(orjson.loads(body)["results"]["bindings"])


def xml_rows(body: bytes, width: int) -> int:
    return body.count(b"<result>")


def tsv_rows(body: bytes, width: int) -> int:
    return body.count(b"\n") - 1


def csv_rows(body: bytes, width: int) -> int | None:
    """Records after the header; ``None`` if one does not have one field a variable, or holds a quote: the
    engine quotes a value holding a quote, comma or line break, so an unquoted quote, an extra field or
    a split record all come from a triple term written unquoted (its literals are written in quotes)."""
    records = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    next(records, None)
    rows = 0
    for record in records:
        fields = len(record) or min(width, 1)  # a row of one unbound variable is an empty line
        if fields != width or any('"' in field for field in record):
            return None
        rows += 1
    return rows


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
