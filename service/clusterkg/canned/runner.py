"""Run canned queries: bind validated parameters, page, evaluate on the store, cache the answer.

The same functions serve the REST routes (``http/queries.py``) and the CLI (``clusterkg query``), so
both return the same rows. Answers go through the service's result cache (``cache.VersionedCache``,
shared with ``/sparql``) keyed by the store job, whose text holds the query, its bound terms and the
page, and by the store's data version: any write to the store changes the version, so a cached answer
is never served for data it was not computed from. A store that cannot tell its version (a remote
endpoint may change behind our back) is never cached, nor is a query that calls a remote ``SERVICE``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..cache import VersionedCache
from ..config import Settings
from ..formats import Format
from ..sparql.negotiation import formats_for
from ..store.base import QueryJob, QueryResult, Store
from .catalogue import CannedQuery, Catalogue
from .federation import resolve_services
from .parameters import Term, bad, bind_values

DEFAULT_LIMIT = 1000
CACHE_ENTRIES = 512
CACHE_BYTES = 32_000_000


@dataclass(frozen=True)
class Page:
    """Which slice of the solutions to return."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0

    @classmethod
    def of(cls, limit: str | int | None, offset: str | int | None, max_limit: int) -> Page:
        """Validate ``limit`` (1..max_limit) and ``offset`` (>= 0) given as text or numbers."""
        return cls(
            _integer("limit", limit, DEFAULT_LIMIT, 1, max_limit),
            _integer("offset", offset, 0, 0, None),
        )


def _integer(name: str, raw: str | int | None, default: int, low: int, high: int | None) -> int:
    if raw is None or raw == "":
        return min(default, high) if high is not None else default
    text = str(raw).strip()
    if not text.isdigit() or len(text) > 12:
        raise bad(name, "must be a non-negative integer")
    value = int(text)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise bad(name, f"must be {bound}")
    return value


@dataclass(frozen=True)
class Prepared:
    """A canned query ready to run: its bound, paged text and the job for the store."""

    query: CannedQuery
    terms: dict[str, Term | None]
    page: Page
    fmt: Format
    job: QueryJob
    cacheable: bool = True


@dataclass(frozen=True)
class CannedAnswer:
    """What a canned query returned: the body in ``fmt``, its row count, and whether more rows follow."""

    body: bytes
    fmt: Format
    count: int
    has_next: bool
    page: Page


def choose_format(query: CannedQuery, name: str) -> Format:
    """The format called ``name`` (json, csv, tsv, xml; turtle, ntriples, jsonld, rdfxml for CONSTRUCT)."""
    offered = formats_for(query.form in ("CONSTRUCT", "DESCRIBE"))
    for fmt in offered:
        if fmt.name == name:
            return fmt
    names = ", ".join(f.name for f in offered)
    raise bad("format", f"must be one of: {names}")


class CannedQueries:
    """The catalogue bound to a store, with the answer cache.

    ``service_allowlist`` is the ``SERVICE`` allow-list: a federated canned query names its endpoint
    with a parameter, which ``federation.resolve_services`` writes in and checks. Answers of such
    queries depend on a remote endpoint and are never cached.
    """

    def __init__(
        self,
        catalogue: Catalogue,
        store: Store,
        *,
        timeout: float = 30.0,
        max_rows: int = 100_000,
        service_allowlist: Sequence[str] = (),
        cache: VersionedCache[QueryResult] | None = None,
    ) -> None:
        self.catalogue = catalogue
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.service_allowlist = tuple(service_allowlist)
        self.cache = cache if cache is not None else VersionedCache[QueryResult](CACHE_ENTRIES, CACHE_BYTES)

    @classmethod
    def from_settings(
        cls, catalogue: Catalogue, store: Store, settings: Settings, cache: VersionedCache[QueryResult] | None = None
    ) -> CannedQueries:
        return cls(
            catalogue,
            store,
            timeout=settings.query_timeout,
            max_rows=settings.max_result_rows,
            service_allowlist=settings.service_allowlist,
            cache=cache,
        )

    def prepare(self, name: str, params: Mapping[str, str], fmt: Format, page: Page) -> Prepared:
        """Validate the parameters and build the bound, paged query. Raises ``InvalidParameter``."""
        query = self.catalogue.get(name)
        terms = bind_values(query.header.parameters, dict(params))
        bound = query.shape.bind(terms, in_filters=self.store.binds_in_filters)
        if query.federated:
            bound = resolve_services(bound, terms, self.service_allowlist)
        if query.form == "SELECT":
            # One row more than asked tells whether a next page exists; the store drops it (truncated).
            text = query.shape.page(bound, page.limit + 1, page.offset)
            job = QueryJob(text, fmt.name, max_rows=page.limit, timeout=self.timeout, federated=query.federated)
        else:
            text = query.shape.page(bound, page.limit, page.offset)
            job = QueryJob(text, fmt.name, max_rows=self.max_rows, timeout=self.timeout, federated=query.federated)
        return Prepared(query, terms, page, fmt, job, cacheable=not query.federated)

    async def run(self, prepared: Prepared) -> CannedAnswer:
        version = self._version(prepared)
        result = self.cache.get(prepared.job, version)
        if result is None:
            result = await self.store.query(prepared.job)
            self.cache.put(prepared.job, version, result, len(result.body))
        return self._answer(prepared, result)

    def run_sync(self, prepared: Prepared) -> CannedAnswer:
        version = self._version(prepared)
        result = self.cache.get(prepared.job, version)
        if result is None:
            result = self.store.query_sync(prepared.job)
            self.cache.put(prepared.job, version, result, len(result.body))
        return self._answer(prepared, result)

    @staticmethod
    def _answer(prepared: Prepared, result: QueryResult) -> CannedAnswer:
        has_next = prepared.query.form == "SELECT" and result.truncated
        return CannedAnswer(result.body, prepared.fmt, result.count, has_next, prepared.page)

    def _version(self, prepared: Prepared) -> int | None:
        """The store's data version, or None (do not cache) for federated queries and remote stores."""
        return self.store.data_version if prepared.cacheable else None


def rows(answer: CannedAnswer) -> list[dict[str, str]]:
    """The rows of a JSON answer as plain strings (empty for unbound), for tables and tests."""
    document = json.loads(answer.body)
    variables = document["head"].get("vars", [])
    return [
        {var: binding[var]["value"] if var in binding else "" for var in variables}
        for binding in document.get("results", {}).get("bindings", [])
    ]
