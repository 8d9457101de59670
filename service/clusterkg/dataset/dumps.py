"""Full dumps of the store, streamed: N-Quads (every named graph) and Turtle (all graphs merged).

Oxigraph's serialiser writes into a small queue-backed writer from a background thread while the
caller (an HTTP response or the CLI) takes the blocks as they come; the queue is bounded, so a slow
reader holds the writer back and the dump is never in memory as a whole.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import IO

from pyoxigraph import NamedNode, serialize
from pyoxigraph import Store as OxStore

from ..errors import NotAvailable, NotFound
from ..formats import Format, Kind
from ..namespaces import TURTLE_PREFIXES
from ..store import Store
from ..store.embedded import EmbeddedStore

BLOCK = 1 << 16
QUEUE_BLOCKS = 64  # at most ~4 MB waiting between the serialiser and the reader
_END = object()


class QueueWriter:
    """A binary writer that hands blocks of at least BLOCK bytes to a bounded queue."""

    def __init__(self, blocks: queue.Queue[object], cancelled: threading.Event) -> None:
        self.blocks = blocks
        self.cancelled = cancelled
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        if self.cancelled.is_set():
            raise BrokenPipeError("the reader went away")
        self.buffer += data
        if len(self.buffer) >= BLOCK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self.buffer:
            self._put(bytes(self.buffer))
            self.buffer.clear()

    def _put(self, item: object) -> None:
        while not self.cancelled.is_set():
            try:
                self.blocks.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


def write_dump(store: OxStore, fmt: Format, output: IO[bytes]) -> None:
    """Serialise the whole store to ``output`` in ``fmt``: a dataset format keeps the named graphs, a
    graph format merges them."""
    if fmt.kind is Kind.DATASET:
        store.dump(output, fmt.rdf_format)
        return
    triples = (quad.triple for quad in store.quads_for_pattern(None, None, None, None))
    serialize(triples, output, fmt.rdf_format, prefixes=TURTLE_PREFIXES)


def stream(write: Callable[[IO[bytes]], object]) -> Iterator[bytes]:
    """Run ``write`` in a thread and yield what it writes, block by block, as it writes it."""
    blocks: queue.Queue[object] = queue.Queue(maxsize=QUEUE_BLOCKS)
    cancelled = threading.Event()
    failure: list[BaseException] = []
    writer = QueueWriter(blocks, cancelled)

    def run() -> None:
        try:
            write(writer)  # type: ignore[arg-type]
            writer.flush()
        except BaseException as error:  # noqa: BLE001 - handed over to the reading side
            # Without its traceback: the frames hold the store's iterator, which must die on this thread.
            failure.append(error.with_traceback(None))
        finally:
            writer._put(_END)

    thread = threading.Thread(target=run, name="clusterkg-dump", daemon=True)
    thread.start()
    try:
        while (block := blocks.get()) is not _END:
            yield block  # type: ignore[misc]
    finally:
        cancelled.set()
        thread.join(timeout=5)
    if failure and not isinstance(failure[0], BrokenPipeError):
        raise failure[0]


def dump_blocks(store: OxStore, fmt: Format) -> Iterator[bytes]:
    """The dump of the store in ``fmt``, as a stream of byte blocks."""
    return stream(lambda output: write_dump(store, fmt, output))


def graph_blocks(store: Store, graph: str, fmt: Format) -> Iterator[bytes]:
    """One named graph of the store in ``fmt`` (a graph format), streamed; NotFound if absent."""
    embedded = _embedded(store)
    name = NamedNode(graph)
    with embedded.reading() as ox:
        if name not in set(ox.named_graphs()):
            raise NotFound(f"There is no graph <{graph}> in the store.", iri=graph)

    def write(output: IO[bytes]) -> None:
        with embedded.reading() as ox:  # the snapshot stays for the whole dump
            ox.dump(output, fmt.rdf_format, from_graph=name, prefixes=TURTLE_PREFIXES)

    return stream(write)


def _embedded(store: Store) -> EmbeddedStore:
    if not isinstance(store, EmbeddedStore):
        raise NotAvailable(
            f"Dumps are written from the embedded store; dump {store.description} with that server's own tools."
        )
    return store


def store_blocks(store: Store, fmt: Format) -> Iterator[bytes]:
    """The dump of a service store; only the embedded store can be dumped from here."""
    embedded = _embedded(store)

    def write(output: IO[bytes]) -> None:
        with embedded.reading() as ox:  # the snapshot stays for the whole dump
            write_dump(ox, fmt, output)

    return stream(write)
