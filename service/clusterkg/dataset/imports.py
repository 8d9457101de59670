"""Import other open datasets into named graphs of the embedded store or of a remote server, streaming.

A file (or an allow-listed URL) is read in blocks and never held whole in memory: N-Triples goes to
Oxigraph's native bulk loader one block of complete lines at a time; every other format (Turtle,
N-Quads, RDF/XML, JSON-LD) is parsed as a stream and its triples written in batches with
``bulk_extend``, each moved into the target graph (the graph names of an N-Quads file are not kept: an
import is one graph). Gzip is read on the fly. The graph must be under
``https://w3id.org/clusterkg/graph/import/``, which builds never touch and no source file maps to.
Bulk loading is not transactional, so an import is made all or nothing around it: a pending record for
the graph is written (and committed) in the meta graph before the first triple and removed after the last.
If the input turns out to be malformed, the graph is dropped again at once; if the process is killed
mid-way, the graph still has its pending record, and the next start of the store (``clusterkg load``,
``build`` or ``serve``) drops it (``store/build.py``), so a rerun begins from nothing. A remote server
gets the same records around batches of ``INSERT DATA`` (:func:`import_remote`).
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from pyoxigraph import NamedNode, Quad, RdfFormat, parse
from pyoxigraph import Store as OxStore

from ..errors import BadParameter, Forbidden, StoreError
from ..formats import IMPORT_FORMATS
from ..namespaces import IMPORT_GRAPHS
from ..sparql.allowlist import is_allowed
from ..store import updates

if TYPE_CHECKING:
    from ..store.remote import RemoteStore

BLOCK_BYTES = 8 << 20  # N-Triples read per native bulk load
BATCH_QUADS = 100_000  # parsed triples written per bulk_extend


def check_graph(graph: str) -> NamedNode:
    """The import graph as a term; refuses IRIs outside ``.../graph/import/``.

    >>> check_graph("https://w3id.org/clusterkg/graph/import/nuts").value
    'https://w3id.org/clusterkg/graph/import/nuts'
    """
    if not graph.startswith(IMPORT_GRAPHS) or len(graph) == len(IMPORT_GRAPHS):
        raise BadParameter(f"Imports go into graphs under <{IMPORT_GRAPHS}>, not <{graph}>.", parameter="graph")
    try:
        return NamedNode(graph)
    except ValueError as error:
        raise BadParameter(f"<{graph}> is not a valid IRI: {error}", parameter="graph") from None


def guess_format(name: str, explicit: str | None = None) -> tuple[RdfFormat, bool]:
    """The RDF format and whether the input is gzipped, from ``--format`` or the file name.

    >>> guess_format("nuts-2006.nt.gz")
    (<RdfFormat N-Triples>, True)
    """
    path = urlsplit(name).path if "://" in name else name
    gzipped = path.endswith(".gz")
    key = explicit.lower() if explicit else Path(path.removesuffix(".gz")).suffix.lstrip(".").lower()
    fmt = next((fmt for fmt in IMPORT_FORMATS if fmt.answers_to(key)), None)
    if fmt is None or fmt.rdf_format is None:
        choices = ", ".join(sorted({spelling for fmt in IMPORT_FORMATS for spelling in (fmt.suffix, fmt.name)}))
        raise BadParameter(f"Cannot tell the RDF format of {name!r}: give --format ({choices}).")
    return fmt.rdf_format, gzipped


class CountingReader:
    """A binary reader that reports every block it reads (for a progress bar over the raw bytes)."""

    def __init__(self, raw: IO[bytes], on_read: Callable[[int], Any]) -> None:
        self.raw = raw
        self.on_read = on_read

    def read(self, size: int = -1) -> bytes:
        block = self.raw.read(size)
        self.on_read(len(block))
        return block

    def readable(self) -> bool:
        return True


@dataclass(frozen=True)
class Source:
    """An opened input: its raw byte stream and its size when known."""

    name: str
    raw: IO[bytes]
    size: int | None


class AllowListRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to a URL that is on the allow-list too."""

    def __init__(self, allowlist: list[str]) -> None:
        self.allowlist = allowlist

    def redirect_request(  # noqa: PLR0917 - the standard library's signature
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        _check_url(newurl, self.allowlist)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _check_url(url: str, allowlist: list[str]) -> None:
    if not is_allowed(url, allowlist):
        raise Forbidden(f"<{url}> is not on the import allow-list (CLUSTERKG_IMPORT_ALLOWLIST).", target=url)


@contextmanager
def open_source(location: str, allowlist: list[str], timeout: float = 60.0) -> Iterator[Source]:
    """Open a local file, or stream an http(s) URL that is on the import allow-list."""
    if urlsplit(location).scheme.lower() in ("http", "https"):
        _check_url(location, allowlist)
        opener = urllib.request.build_opener(AllowListRedirects(allowlist))
        try:
            response = opener.open(location, timeout=timeout)
        except urllib.error.URLError as error:
            raise StoreError(f"GET {location} failed: {error}", target=location) from None
        with response:
            length = response.headers.get("Content-Length")
            yield Source(location, response, int(length) if length else None)
        return
    path = Path(location)
    if not path.is_file():
        raise BadParameter(f"No file {location}.", parameter="source")
    with path.open("rb") as raw:
        yield Source(location, raw, path.stat().st_size)


def load_stream(store: OxStore, stream: IO[bytes], fmt: RdfFormat, graph: NamedNode) -> None:
    """Write the stream's triples into ``graph``, block by block (see the module docstring)."""
    if fmt == RdfFormat.N_TRIPLES:
        _load_line_blocks(store, stream, graph)
        return
    quads = (Quad(q.subject, q.predicate, q.object, graph) for q in parse(input=stream, format=fmt))
    while batch := list(itertools.islice(quads, BATCH_QUADS)):
        store.bulk_extend(batch)


def _load_line_blocks(store: OxStore, stream: IO[bytes], graph: NamedNode) -> None:
    rest = b""
    while block := stream.read(BLOCK_BYTES):
        block = rest + block
        cut = block.rfind(b"\n") + 1
        rest = block[cut:]
        if cut:
            store.bulk_load(input=block[:cut], format=RdfFormat.N_TRIPLES, to_graph=graph)
    if rest.strip():
        store.bulk_load(input=rest, format=RdfFormat.N_TRIPLES, to_graph=graph)


def graph_size(store: OxStore, graph: NamedNode) -> int:
    rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))[0].value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ImportReport:
    graph: str
    triples: int
    bytes_read: int


def import_into(
    store: OxStore,
    source: Source,
    graph: NamedNode,
    fmt: RdfFormat,
    *,
    gzipped: bool,
    on_read: Callable[[int], Any] = lambda n: None,
) -> ImportReport:
    """Load the source into an empty import graph; on malformed input the graph is dropped again."""
    if graph in set(store.named_graphs()):
        raise BadParameter(f"The graph <{graph.value}> exists: unload it first (or use --replace).", parameter="graph")
    read = [0]

    def count(n: int) -> None:
        read[0] += n
        on_read(n)

    counting = CountingReader(source.raw, count)
    raw = cast(IO[bytes], counting)
    stream: IO[bytes] = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")) if gzipped else raw
    store.update(updates.import_started(graph.value, datetime.now(UTC).isoformat()))
    try:
        load_stream(store, stream, fmt, graph)
    except (SyntaxError, ValueError, OSError, EOFError) as error:
        store.update(updates.drop_graph(graph.value))  # with its pending record
        raise BadParameter(f"{source.name} could not be loaded, nothing was imported: {error}") from None
    store.flush()
    store.update(updates.import_finished(graph.value))
    store.flush()
    return ImportReport(graph.value, graph_size(store, graph), read[0])


def import_remote(
    store: RemoteStore,
    source: Source,
    graph: NamedNode,
    fmt: RdfFormat,
    *,
    gzipped: bool,
    replace: bool = False,
    on_read: Callable[[int], Any] = lambda n: None,
) -> ImportReport:
    """Load the source into an import graph of a remote server: parsed as a stream, sent in batches of
    ``INSERT DATA`` (blank nodes skolemised), between the same pending and finished records as on the
    embedded store; on malformed input or a refused batch the graph is dropped again."""
    if graph.value in store.graph_names():
        if not replace:
            raise BadParameter(
                f"The graph <{graph.value}> exists: unload it first (or use --replace).", parameter="graph"
            )
        store.drop_graph(graph.value)
    read = [0]

    def count(n: int) -> None:
        read[0] += n
        on_read(n)

    raw = cast(IO[bytes], CountingReader(source.raw, count))
    stream: IO[bytes] = cast(IO[bytes], gzip.GzipFile(fileobj=raw, mode="rb")) if gzipped else raw
    started = datetime.now(UTC).isoformat()
    store.update(updates.import_started(graph.value, started), graph=graph.value, operation="import start")
    scope = hashlib.sha256(f"{graph.value} {started}".encode()).hexdigest()[:16]
    try:
        store.insert(graph.value, (quad.triple for quad in parse(input=stream, format=fmt)), scope)
    except (SyntaxError, ValueError, OSError, EOFError) as error:
        store.drop_graph(graph.value)  # with its pending record
        raise BadParameter(f"{source.name} could not be loaded, nothing was imported: {error}") from None
    except StoreError:
        store.drop_graph(graph.value)
        raise
    store.update(updates.import_finished(graph.value), graph=graph.value, operation="import finish")
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
    return ImportReport(graph.value, int(rows[0][0].value), read[0])
