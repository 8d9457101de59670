"""Full dumps of the store, streamed: N-Quads (every named graph) and Turtle (all graphs merged).

Oxigraph's serialiser writes into a small queue-backed writer from a background thread while the
caller (an HTTP response or the CLI) takes the blocks as they come; the queue is bounded, so a slow
reader holds the writer back and the dump is never in memory as a whole. A remote store is dumped graph by
graph, in pages of :data:`PAGE_TRIPLES` ordered triples (below any server's row cap, such as Virtuoso's
``ResultSetMaxRows``), and only the service's own graphs (under ``https://w3id.org/clusterkg/graph/``): a
server's system graphs are not part of the dataset.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import IO

from pyoxigraph import NamedNode, Quad, QueryResultsFormat, QuerySolutions, parse_query_results, serialize
from pyoxigraph import Store as OxStore

from ..errors import NotFound
from ..formats import Format, Kind
from ..namespaces import GRAPH, TURTLE_PREFIXES
from ..store import QueryJob, Store
from ..store.embedded import EmbeddedStore

BLOCK = 1 << 16
PAGE_TRIPLES = 5000  # triples per query when dumping a remote store
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
    if not isinstance(store, EmbeddedStore):
        if graph not in store.graph_names():
            raise NotFound(f"There is no graph <{graph}> in the store.", iri=graph)
        triples = (quad.triple for quad in remote_quads(store, [graph]))
        return stream(lambda output: serialize(triples, output, fmt.rdf_format, prefixes=TURTLE_PREFIXES))
    embedded = store
    name = NamedNode(graph)
    with embedded.reading() as ox:
        if name not in set(ox.named_graphs()):
            raise NotFound(f"There is no graph <{graph}> in the store.", iri=graph)

    def write(output: IO[bytes]) -> None:
        with embedded.reading() as ox:  # the snapshot stays for the whole dump
            ox.dump(output, fmt.rdf_format, from_graph=name, prefixes=TURTLE_PREFIXES)

    return stream(write)


def remote_quads(store: Store, graphs: list[str] | None = None) -> Iterator[Quad]:
    """The quads of the service's graphs of a remote store (or of ``graphs``), page by page."""
    names = graphs if graphs is not None else sorted(g for g in store.graph_names() if g.startswith(GRAPH))
    for graph in names:
        name = NamedNode(graph)
        offset = 0
        while True:
            query = (
                f"SELECT ?s ?p ?o WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }} ORDER BY ?s ?p ?o "
                f"LIMIT {PAGE_TRIPLES} OFFSET {offset}"
            )
            body = store.query_sync(QueryJob(query, "json", max_rows=PAGE_TRIPLES)).body
            solutions = parse_query_results(body, format=QueryResultsFormat.JSON)
            assert isinstance(solutions, QuerySolutions)
            page = [Quad(s, p, o, name) for s, p, o in solutions]
            yield from page
            if len(page) < PAGE_TRIPLES:
                break
            offset += PAGE_TRIPLES


def write_remote_dump(store: Store, fmt: Format, output: IO[bytes]) -> None:
    quads = remote_quads(store)
    if fmt.kind is Kind.DATASET:
        serialize(quads, output, fmt.rdf_format)
    else:
        serialize((quad.triple for quad in quads), output, fmt.rdf_format, prefixes=TURTLE_PREFIXES)


def store_blocks(store: Store, fmt: Format) -> Iterator[bytes]:
    """The dump of a service store, embedded (from its snapshot) or remote, as a stream of byte blocks."""
    if not isinstance(store, EmbeddedStore):
        return stream(lambda output: write_remote_dump(store, fmt, output))
    embedded = store

    def write(output: IO[bytes]) -> None:
        with embedded.reading() as ox:  # the snapshot stays for the whole dump
            write_dump(ox, fmt, output)

    return stream(write)
