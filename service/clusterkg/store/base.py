"""The Store interface the service and the builder program against, and the values it exchanges.

A store never knows HTTP: it takes a ``QueryJob`` (query text, wanted format name, dataset, limits) and
returns a ``QueryResult`` (bytes ready to send). Both implementations see the union of all named graphs
as the default graph unless the job names a dataset.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:  # the worker processes import this module: keep it light
    from pyoxigraph import Triple


@dataclass(frozen=True)
class QueryJob:
    """One query to evaluate. ``result_format`` is a short name (``json``, ``xml``, ``csv``, ``tsv`` for
    SELECT/ASK; ``turtle``, ``ntriples``, ``jsonld``, ``rdfxml`` for CONSTRUCT/DESCRIBE)."""

    query: str
    result_format: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 100_000
    timeout: float = 30.0
    #: The query calls allow-listed SERVICE endpoints (``sparql/policy.py``): evaluated where there is network.
    federated: bool = False

    @property
    def has_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    result_format: str
    count: int
    truncated: bool = False


@dataclass(frozen=True)
class SourceRecord:
    """What the manifest remembers of a loaded source file."""

    graph: str
    path: str
    sha256: str


@runtime_checkable
class Store(Protocol):
    """What every store offers. ``start``/``close`` bracket its life (worker processes, connections)."""

    @property
    def description(self) -> str:
        """Human-readable: ``embedded store at /path`` or ``remote endpoint http://...``."""
        ...

    @property
    def data_version(self) -> int | None:
        """A number that changes whenever this service writes to the store, for caches keyed on the data;
        ``None`` when the store can change behind the service's back (a remote server)."""
        ...

    @property
    def isolates_network(self) -> bool:
        """Whether the queries that are not federated are evaluated without network (``sandbox.py``)."""
        ...

    @property
    def binds_in_filters(self) -> bool:
        """Whether canned queries' parameters are also written into their FILTER expressions (a server such
        as Virtuoso 7 does not let a FILTER inside OPTIONAL see the outer VALUES block that binds them)."""
        ...

    def start(self) -> None: ...

    def close(self) -> None: ...

    async def query(self, job: QueryJob) -> QueryResult:
        """Evaluate a read-only query; raises ``QuerySyntaxError``, ``QueryTimeout``, ``StoreError``..."""
        ...

    def query_sync(self, job: QueryJob) -> QueryResult:
        """The same, blocking (for the CLI)."""
        ...

    def answer_now(self, job: QueryJob) -> QueryResult | None:
        """The answer, when this process can give it at once without waiting on anything (a worker, a
        thread, the network) and without risk of running away; else ``None``, and ``query`` answers."""
        ...

    def triple_count(self) -> int:
        """Number of quads in all graphs."""
        ...

    def graph_names(self) -> set[str]: ...

    def source_records(self) -> dict[str, SourceRecord]:
        """The build manifest: graph IRI -> the source file last loaded into it."""
        ...

    def replace_graph(self, record: SourceRecord, ntriples: str) -> None:
        """Replace the graph's content with ``ntriples`` and record it in the manifest, atomically if possible."""
        ...

    def drop_graph(self, graph: str) -> None:
        """Remove the graph and its manifest record."""
        ...

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL update (used by the builder and, later, by trusted features; never by /sparql)."""
        ...

    def write_case(self, graph: str, triples: Sequence[Triple], new: Sequence[str]) -> bool:
        """Write ``triples`` into the new graph ``graph`` unless one of the ``new`` resources has a type in
        some graph already; all or nothing. The answer says which happened, read from the state the write
        itself left (the embedded store checks and writes under its write lock on the store it writes,
        never through a read-only view that may not show the write yet)."""
        ...
