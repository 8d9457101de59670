"""Write SELECT solutions with the engine's own serialisers whenever the whole answer is within the row limit.

pyoxigraph writes a results document several times faster than the Python writers (``writers.py``) but
cannot stop after N rows. So the engine writes into a ``BoundedSink``, which gives up once a byte budget
is spent; if the whole document fits, its rows are counted exactly from the bytes (``result_rows.py``)
and, when there are at most ``max_rows`` of them, those bytes are the answer. Otherwise (more rows, over
the budget, or a CSV document its bytes cannot count) ``write_whole`` answers ``None`` and the caller
evaluates the query again through the Python writers, which stop at ``max_rows`` and mark the cut.

The budget cannot change which answers are truncated: an answer is sent as the engine wrote it only when
its exact count is at most ``max_rows``, and every other answer goes through the Python writers as
before. A row costs at least 2 bytes in every format (an empty line in TSV, CRLF in CSV, ``{},`` in JSON,
``<result></result>`` in XML), so a budget of 2 bytes a row would not even hold every answer of more
than ``max_rows`` rows: rows are counted, never inferred from the size. The budget only bounds the
memory an answer takes before the count (``byte_budget``) and how much the engine writes in vain for
an answer that is cut.

>>> from pyoxigraph import Store
>>> from clusterkg.formats import BY_NAME
>>> three = "SELECT ?n WHERE { VALUES ?n { 1 2 3 } }"
>>> write_whole(Store().query(three), BY_NAME["tsv"], max_rows=3)
Serialised(body=b'?n\\n1\\n2\\n3\\n', count=3, truncated=False)
>>> write_whole(Store().query(three), BY_NAME["tsv"], max_rows=2) is None
True
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from pyoxigraph import QuerySolutions

from ..formats import Format
from .result_rows import count_rows
from .serialise import Serialised

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

#: Bytes of a document's head (variables, namespaces) the budget allows besides its rows.
HEAD_BYTES = 64 * 1024
#: Bytes a row the budget allows: a lookup's row is ~150 bytes of JSON, an aggregate's less.
ROW_BYTES = 512
#: The most any answer may take in memory before it is counted, whatever the row limit.
MAX_BUDGET = 64 * 1024 * 1024


class OverBudget(Exception):
    """The engine wrote more bytes than a ``BoundedSink`` takes."""


class BoundedSink(io.BytesIO):
    """An in-memory binary file that takes at most ``budget`` bytes and raises ``OverBudget`` beyond.

    pyoxigraph writes into it in chunks of up to 8 KiB and stops, letting the exception through, at the
    first write that fails.

    >>> sink = BoundedSink(4)
    >>> sink.write(b"abc"), sink.getvalue()
    (3, b'abc')
    >>> sink.write(b"de")
    Traceback (most recent call last):
    ...
    clusterkg.sparql.engine_results.OverBudget: more than 4 bytes
    """

    def __init__(self, budget: int) -> None:
        super().__init__()
        self._budget = budget

    def write(self, data: ReadableBuffer, /) -> int:
        if self.tell() + memoryview(data).nbytes > self._budget:
            raise OverBudget(f"more than {self._budget} bytes")
        return super().write(data)


def byte_budget(max_rows: int) -> int:
    """How many bytes an answer limited to ``max_rows`` rows may take before it is counted.

    >>> byte_budget(100), byte_budget(100_000), byte_budget(10**9) == MAX_BUDGET
    (116736, 51265536, True)
    """
    return min(HEAD_BYTES + max_rows * ROW_BYTES, MAX_BUDGET)


def write_whole(solutions: QuerySolutions, fmt: Format, max_rows: int) -> Serialised | None:
    """The engine's document of all ``solutions`` if it holds at most ``max_rows`` rows and fits the budget,
    else ``None`` (``solutions`` is then spent: evaluate again to write the answer otherwise)."""
    width = len(solutions.variables)
    sink = BoundedSink(byte_budget(max_rows))
    try:
        solutions.serialize(sink, format=fmt.results_format)
    except OverBudget:
        return None
    body = sink.getvalue()
    count = count_rows(body, fmt.name, width)
    if count is None or count > max_rows:
        return None
    return Serialised(body, count)
