"""The embedded store: pyoxigraph persisted in the data directory, queried through killable workers.

One design for every mode, in which every concurrent access is one pyoxigraph defines: the store
directory ``DATA_DIR/oxigraph`` is only ever opened read-write, by one process at a time (RocksDB's lock),
and nobody opens it read-only. After each committed write the writer checkpoints it into an immutable
snapshot and publishes that (``snapshots.py``); every reader opens published snapshots only. With one
HTTP process, that process keeps the store open for writing and answers its own reads (builds, the
case checks) from it; its query workers (``workers.py``) read snapshots. With several
(``shared=True``), the one holding the lock file keeps the store open for writing and the others send it
their writes (``writer.py``); all reads go to snapshots. A write answers only once its
snapshot is published and the data version bumped, so the next query of any process sees it (a worker
moves to the newest snapshot when the version changed), and a snapshot holds whole transactions only.

A query over one triple pattern (``plans.py``) cannot run away, so it needs no killable worker: the HTTP
process evaluates it itself, on the same view its own reads use (the store it writes, or the newest
snapshot), and it sees every write that has answered. A *lookup* (a constant subject) is evaluated so on
any store; a *scan* (a constant predicate, with aggregates, ``GROUP BY``, ``ORDER BY``...) only on an
in-memory copy of the newest snapshot (``replica.py``), when its predicate has few triples there (its
cost is at most linear in them) and its sort compares only terms the engine orders totally
(``plans.ScanCheck``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import NamedNode, QuerySolutions, Triple
from pyoxigraph import Store as OxStore

from ..config import Settings
from ..errors import QueryFailed, QuerySyntaxError, ServiceForbidden, StoreLocked, StoreUnavailable
from ..namespaces import META_GRAPH
from . import updates
from .base import QueryJob, QueryResult, SourceRecord
from .evaluate import evaluate
from .plans import Plan, ScanCheck, read_plan
from .replica import DEFAULT_MAX_BYTES, ReplicaReader
from .shared import VERSION_FILE, SharedVersion, open_for_writing
from .snapshots import SnapshotReader, current_number, publish, snapshots_dir
from .workers import WorkerPool
from .writer import Write, WriterRole, not_writer

STORE_SUBDIR = "oxigraph"
#: Seconds a read-only opener waits to publish the first snapshot of a store that has none (one built
#: before snapshots): if a process holds the store for writing that long, it says so (``StoreLocked``).
READER_WRITE_TIMEOUT = 5.0
#: Seconds a write waits for the store (another process writing, or a writer being replaced).
WRITE_TIMEOUT = 60.0
log = logging.getLogger("clusterkg.store")


def store_path(data_dir: Path) -> Path:
    return Path(data_dir) / STORE_SUBDIR


@contextmanager
def _engine_errors() -> Iterator[None]:
    """The engine's errors in this process as the errors a worker's answer raises."""
    try:
        yield
    except SyntaxError as error:
        raise QuerySyntaxError.from_parser_message(str(error)) from None
    except (OSError, ValueError) as error:
        raise QueryFailed(f"The query failed: {error}") from None


class EmbeddedStore:
    """``workers=0`` evaluates in-process (the CLI); ``read_only=True`` reads the current snapshot and never
    writes; ``shared=True`` (several server processes) reads snapshots, and either keeps the store open
    for writing, if this process holds the lock file, or sends its writes to the process that does
    (``writer.py``)."""

    def __init__(
        self,
        data_dir: Path,
        workers: int = 2,
        read_only: bool = False,
        *,
        shared: bool = False,
        federation: bool = False,
        query_memory: int | None = None,
        replica_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.path = store_path(data_dir)
        self.snapshots = snapshots_dir(data_dir)
        self.workers = workers
        #: Bytes of address space each query worker may use (``CLUSTERKG_QUERY_MEMORY``).
        self.query_memory = query_memory
        #: Snapshots whose files take at most this many bytes are read from an in-memory copy by the query
        #: workers and the HTTP processes that read snapshots (``replica.py``; 0: never).
        self.replica_bytes = replica_bytes
        #: Whether a worker with network evaluates federated queries (``QueryJob.federated``); the other
        #: workers have none (``sandbox.py``).
        self.federation = federation
        self.read_only = read_only
        self.shared = shared and not read_only
        self._shared_version: SharedVersion | None = None
        self._role: WriterRole | None = None  # with shared=True: writing here, or sending to the writer
        self._closing = False
        self._view_version = 0
        self._store: OxStore | None = None
        self._reader: SnapshotReader | ReplicaReader | None = None
        self._pool: WorkerPool | None = None
        self._federation_pool: WorkerPool | None = None
        self._count: tuple[int, int] | None = None  # (version, quads)
        self._scans = ScanCheck()
        self._version = 1
        self._write_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, workers: int | None = None, read_only: bool = False) -> EmbeddedStore:
        workers = settings.query_workers if workers is None else workers
        federation = bool(settings.service_allowlist)
        return cls(
            settings.data_dir,
            workers,
            read_only,
            shared=settings.several_processes,
            federation=federation,
            query_memory=settings.query_memory_bytes,
            replica_bytes=settings.replica_bytes,
        )

    @property
    def description(self) -> str:
        return f"embedded store at {self.path}"

    @property
    def data_version(self) -> int:
        if self._shared_version is not None:
            return self._shared_version.value
        return self._version

    @property
    def writes_here(self) -> bool:
        """Whether this process holds the store open for writing (with several processes: it is the writer)."""
        if self._role is not None:
            return self._role.holds
        return self._store is not None and self._reader is None

    @property
    def exists(self) -> bool:
        return (self.path / "CURRENT").is_file()

    def start(self) -> None:
        self._closing = False
        if self.shared:
            self._start_shared()
        elif self.read_only:
            self._start_reader()
        else:
            self._store = self._open()
            publish(self._store, self.snapshots)
        if self.workers > 0 and not self.read_only:
            self._pool = self._start_pool(self.workers, isolate=True)
            if not self._pool.isolated:
                log.warning(
                    "query workers could not leave the network (no network namespaces here): queries that "
                    "mention SERVICE are refused unless a SPARQL parser shows they call none"
                )
            if self.federation:
                self._federation_pool = self._start_pool(1, isolate=False)

    def _start_pool(self, size: int, isolate: bool) -> WorkerPool:
        pool = WorkerPool(self.snapshots, size, isolate=isolate, memory=self.query_memory, replica=self.replica_bytes)
        pool.version = self._version
        pool.start()
        return pool

    @property
    def isolates_network(self) -> bool:
        """Whether queries that are not federated are evaluated by workers without network."""
        return self._pool is not None and self._pool.isolated

    @property
    def binds_in_filters(self) -> bool:
        """The engine follows SPARQL's scoping: the VALUES block alone binds the parameters."""
        return False

    def _start_shared(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self._shared_version = SharedVersion(self.path.parent)
        self._reader = ReplicaReader(self.snapshots, self.replica_bytes)
        self._role = WriterRole(self.path, self._write_here)
        try:
            self._role.try_take(READER_WRITE_TIMEOUT)
        except StoreLocked:
            if current_number(self.snapshots) is None:
                raise
            log.warning("a command holds the store for writing: this process reads its snapshots meanwhile")
        if self._role.holds and current_number(self.snapshots) is None:
            with self.writing():
                pass  # the first snapshot (of an empty store if there was none)
        self._await_snapshot(time.monotonic() + WRITE_TIMEOUT)
        self._view_version = self._shared_version.value
        self._store = self._reader.refresh()

    def _await_snapshot(self, deadline: float) -> None:
        """Wait for the writer's first snapshot of a store that has none (it publishes one as it starts)."""
        while current_number(self.snapshots) is None:
            if time.monotonic() > deadline:
                raise StoreLocked(f"No snapshot of the store at {self.path} was published: is another process stuck?")
            time.sleep(0.05)

    def _start_reader(self) -> None:
        """Read the current snapshot; a store that has none (built before snapshots) gets one first."""
        self._reader = SnapshotReader(self.snapshots)
        if current_number(self.snapshots) is None:
            with open_for_writing(self.path, None, timeout=READER_WRITE_TIMEOUT):
                pass
        self._store = self._reader.refresh()

    def _tell_other_processes(self) -> None:
        """A command (``clusterkg load``...) writing while no server process holds the store (their writer
        ended and none has written since) bumps their shared data version, so that they read its snapshot
        too (it holds the store's lock, so no other bump runs meanwhile)."""
        if (self.path.parent / VERSION_FILE).is_file():
            shared = SharedVersion(self.path.parent)
            shared.bump()
            shared.close()

    def _open(self) -> OxStore:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            return OxStore(str(self.path))
        except OSError as error:
            if "lock" in str(error).lower():
                raise StoreLocked(
                    f"The store at {self.path} is in use by another process (a running server?). "
                    "Stop it first, or query it through its HTTP endpoint."
                ) from None
            raise StoreUnavailable(f"Cannot open the store at {self.path}: {error}") from None

    def close(self) -> None:
        self._closing = True
        for pool in (self._pool, self._federation_pool):
            if pool is not None:
                pool.close()
        self._pool = self._federation_pool = None
        if self._role is not None:
            with self._write_lock:
                self._role.release()
            self._role = None
        if self._store is not None and self._reader is None:
            self._store.flush()
        self._store = None
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._shared_version is not None:
            self._shared_version.close()
            self._shared_version = None

    @property
    def store(self) -> OxStore:
        if self._store is None:
            raise StoreUnavailable("The store is not open.")
        if self._reader is not None and self._shared_version is not None:
            version = self._shared_version.value
            if self._view_version != version:  # a process wrote: read its snapshot
                self._store, self._view_version = self._reader.refresh(), version
        if self._reader is not None:
            return self._reader.store or self._store
        return self._store

    @contextmanager
    def reading(self) -> Iterator[OxStore]:
        """The store to read, kept open for the block: a snapshot that a write replaces meanwhile is not
        released (nor removed) before the block ends."""
        store = self.store
        if self._reader is None:
            yield store
            return
        with self._reader.reading() as snapshot:
            yield snapshot

    async def query(self, job: QueryJob) -> QueryResult:
        pool = self._federation_pool if job.federated else self._pool
        if pool is None:
            if job.federated and self._pool is not None:
                raise ServiceForbidden("This service calls no SERVICE endpoint (CLUSTERKG_SERVICE_ALLOWLIST).")
            return await asyncio.to_thread(self.query_sync, job)
        answer = self.answer_now(job)
        if answer is not None:
            return answer
        if self._shared_version is not None:
            pool.version = self._shared_version.value
        return await pool.run(job)

    def query_sync(self, job: QueryJob) -> QueryResult:
        with _engine_errors(), self.reading() as store:
            return evaluate(store, job)

    def answer_now(self, job: QueryJob) -> QueryResult | None:
        """A lookup's answer, or a scan's from the in-memory copy (``plans.py``: neither can run away, so
        neither needs a worker to stop it); ``None`` for any other query, or without query workers (every
        query then runs in a thread)."""
        if self._pool is None or job.federated:
            return None
        plan = read_plan(job.query)
        if plan is None:
            return None
        if plan.lookup:
            return self.query_sync(job)
        return self._scan_here(job, plan)

    def _scan_here(self, job: QueryJob, plan: Plan) -> QueryResult | None:
        """A scan's answer from the in-memory copy of the newest snapshot, or ``None`` when it is not this
        process's to evaluate (no copy, a predicate with many triples, or a sort on terms the engine may
        not order totally)."""
        reader = self._reader
        if plan.predicate is None or not isinstance(reader, ReplicaReader):
            return None
        self.store  # noqa: B018 - moves to the newest snapshot if a process wrote
        with reader.holding_copy() as (copy, number):  # no change is applied to it meanwhile
            if copy is None or not self._scans.allows(copy, number, plan):
                return None
            with _engine_errors():
                return evaluate(copy, job)

    def triple_count(self) -> int:
        version = self.data_version
        if self._count is None or self._count[0] != version:
            with self.reading() as store:
                self._count = (version, len(store))
        return self._count[1]

    def graph_names(self) -> set[str]:
        with self.reading() as store:
            return {graph.value for graph in store.named_graphs() if isinstance(graph, NamedNode)}

    def source_records(self) -> dict[str, SourceRecord]:
        records = {}
        with self.reading() as store:
            solutions = store.query(updates.MANIFEST_QUERY)
            assert isinstance(solutions, QuerySolutions)
            for row in solutions:
                graph, path, sha256 = (term.value for term in row if term is not None)
                records[graph] = SourceRecord(graph, path, sha256)
        return records

    def replace_graph(self, record: SourceRecord, ntriples: str) -> None:
        self.update(updates.replace_graph(record, ntriples), changed=(record.graph, META_GRAPH))

    def drop_graph(self, graph: str) -> None:
        self.update(updates.drop_graph(graph), changed=(graph, META_GRAPH))

    def update(self, sparql_update: str, changed: Collection[str] | None = None) -> None:
        """Apply an update in one transaction, flush it, and tell the workers to reopen. ``changed``: the
        named graphs the update may change (``None``: any)."""
        self._write(Write.of_update(sparql_update, None if changed is None else sorted(changed)))

    def write_case(self, graph: str, triples: Sequence[Triple], new: Sequence[str]) -> bool:
        return self._write(Write.of_case(graph, triples, new))

    def _write(self, write: Write) -> bool:
        """Written here, or by the writer when another process is the one (``writer.py``)."""
        if self._closing:
            raise StoreUnavailable("The store is closing: nothing was written.")
        if self._role is not None and not self._role.holds:
            return self._role.send(write, WRITE_TIMEOUT)
        return self._write_here(write)

    def _write_here(self, write: Write) -> bool:
        with self.writing(write.changed) as store:
            return write.apply(store)

    @contextmanager
    def writing(self, changed: Collection[str] | None = None) -> Iterator[OxStore]:
        """Direct write access (bulk loads); afterwards a snapshot is published, the data version bumped and
        the workers told to move to it, whether the write succeeded or not. ``changed``: the named graphs
        the write may change, recorded with the snapshot for the readers that keep a copy (``None``: any;
        they copy everything again)."""
        if self.read_only:
            raise StoreUnavailable("This store was opened read-only: it cannot be written.")
        with self._write_lock:
            store = self._writable()
            try:
                yield store
            finally:
                store.flush()
                publish(store, self.snapshots, changed)
                if self._shared_version is not None:
                    self._shared_version.bump()
                else:
                    self._tell_other_processes()
                    self._version += 1
                for pool in (self._pool, self._federation_pool):
                    if pool is not None:
                        pool.version = self.data_version

    def _writable(self) -> OxStore:
        """The store open for writing in this process (call with the write lock held): with several
        processes, this one becomes the writer if none is; ``StoreLocked`` if another one is."""
        if self._role is None:
            return self.store
        if self._closing:
            raise not_writer()
        if self._role.holds or self._role.try_take(WRITE_TIMEOUT):
            assert self._role.store is not None
            return self._role.store
        raise StoreLocked("Another HTTP process writes this store: only it may write to the store directly.")
