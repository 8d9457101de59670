"""The remote store: any SPARQL 1.1 server (Oxigraph, Fuseki, Virtuoso, GraphDB, Neptune...) over HTTP.

Queries are checked locally with pyoxigraph's parser first, so a syntax error is a 400 with its position
whatever the server says. Answers are fetched as SPARQL JSON (SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE),
read as the embedded store's (``remote_answers.py``: result quirks, booleans, row caps) and written in the
wanted format with the same code as the embedded store, so both give the same bytes and the same row limit.
Writes go in batches of ``sparql_batch_triples`` triples, so no update is larger than a server accepts; a
blank node stays whole within one batch of a build (and is skolemised in a streamed import, ``skolem.py``). The server must treat its default graph as the union of all named
graphs (Oxigraph: ``oxigraph serve --union-default-graph``); :meth:`RemoteStore.start` checks it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote

from pyoxigraph import BlankNode, QueryBoolean, QuerySolutions, RdfFormat, Triple, parse, serialize
from pyoxigraph import Store as OxStore

from ..config import Settings
from ..errors import QueryFailed, QuerySyntaxError, QueryTimeout, RemoteMisconfigured, StoreError, StoreUnavailable
from . import updates
from .base import QueryJob, QueryResult, SourceRecord
from .remote_answers import Solutions, capped_by_server, read_results, serialise_remote
from .remote_http import Http
from .skolem import skolemise
from .workers import timeout_error

JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
UPDATE_TIMEOUT = 300.0
GRAPHS_QUERY = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"  # Virtuoso answers nothing to GRAPH ?g { }
UNION_PROBE = "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"

log = logging.getLogger("clusterkg.store")


def default_update_endpoint(endpoint: str) -> str:
    """Oxigraph and Fuseki answer queries at ``.../query`` and updates at ``.../update``; others at one URL."""
    if endpoint.endswith("/query"):
        return endpoint[: -len("query")] + "update"
    return endpoint


def check_syntax(query: str) -> str | None:
    """Parse with pyoxigraph on an empty in-memory store (evaluation is lazy or trivial there); the media
    type to ask the server for (SPARQL JSON for SELECT and ASK, N-Triples for a graph), ``None`` if unknown."""
    try:
        answer = OxStore().query(query)
    except SyntaxError as error:
        raise QuerySyntaxError.from_parser_message(str(error)) from None
    except OSError:
        return None  # an allowed SERVICE that cannot be reached from here: the server will tell
    return JSON_RESULTS if isinstance(answer, QuerySolutions | QueryBoolean) else NTRIPLES


def ntriples(triples: Iterable[Triple]) -> str:
    return (serialize(list(triples), format=RdfFormat.N_TRIPLES) or b"").decode()


def insert_text(graph: str, triples: list[Triple]) -> str:
    """``INSERT DATA``, or, when blank nodes are among the triples, the same template with an empty
    ``WHERE`` (Virtuoso refuses blank nodes in ``INSERT DATA``; a template may hold them anywhere)."""
    body = f"GRAPH <{graph}> {{\n{ntriples(triples)}}}"
    if any(isinstance(term, BlankNode) for triple in triples for term in (triple.subject, triple.object)):
        return f"INSERT {{ {body} }} WHERE {{}}"
    return f"INSERT DATA {{ {body} }}"


def component_batches(triples: list[Triple], size: int) -> Iterator[list[Triple]]:
    """Batches of about ``size`` triples in which the triples that share a blank node stay together.

    >>> from pyoxigraph import BlankNode, NamedNode
    >>> p = NamedNode("http://example.org/p")
    >>> triples = [Triple(p, p, BlankNode("a")), Triple(p, p, p), Triple(BlankNode("a"), p, p)]
    >>> [len(batch) for batch in component_batches(triples, 1)]
    [2, 1]
    """
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            label = parent[label]
        return label

    for triple in triples:
        labels = [t.value for t in (triple.subject, triple.object) if isinstance(t, BlankNode)]
        for label in labels[1:]:
            parent[root(label)] = root(labels[0])
    groups: dict[str | None, list[Triple]] = {}
    for triple in triples:
        node = next((t for t in (triple.subject, triple.object) if isinstance(t, BlankNode)), None)
        groups.setdefault(root(node.value) if node else None, []).append(triple)
    loose = groups.pop(None, [])
    batch: list[Triple] = []
    for group in [*groups.values(), *([t] for t in loose)]:
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch += group
    if batch:
        yield batch


def batches(triples: Iterable[Triple], size: int) -> Iterator[list[Triple]]:
    iterator = iter(triples)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class RemoteStore:
    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        gsp_endpoint: str | None = None,
        user: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        batch_triples: int = 500,
    ) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or default_update_endpoint(endpoint)
        self.gsp_endpoint = gsp_endpoint
        self.timeout = timeout
        self.batch_triples = batch_triples
        endpoints = [url for url in (endpoint, self.update_endpoint, gsp_endpoint) if url]
        self.http = Http(endpoints, user, password)

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteStore:
        assert settings.sparql_endpoint is not None
        return cls(
            settings.sparql_endpoint,
            update_endpoint=settings.sparql_update_endpoint,
            gsp_endpoint=settings.sparql_gsp_endpoint,
            user=settings.sparql_user,
            password=settings.sparql_password,
            timeout=settings.query_timeout,
            batch_triples=settings.sparql_batch_triples,
        )

    @property
    def description(self) -> str:
        return f"remote endpoint {self.endpoint}"

    @property
    def data_version(self) -> None:
        """The server's data can change without this service knowing: never cache on it."""
        return None

    @property
    def isolates_network(self) -> bool:
        """The server evaluates SERVICE as it is configured to: this service cannot take its network away."""
        return False

    @property
    def binds_in_filters(self) -> bool:
        """Some servers (Virtuoso 7) evaluate a FILTER inside OPTIONAL without the outer VALUES block: the
        parameters go into the FILTER expressions too, which answers the same on every other server."""
        return True

    def start(self) -> None:
        """Check that the server's default graph is the union of its named graphs (``RemoteMisconfigured``
        if not); a server that cannot be reached yet is left to the health check."""
        try:
            self.check_union_default_graph()
        except (StoreUnavailable, QueryTimeout) as error:
            log.warning("the union default graph could not be checked: %s", error.message)

    def close(self) -> None:
        """Nothing to close: each request is its own HTTP exchange."""

    def check_union_default_graph(self) -> None:
        """A triple of some named graph must be visible in the default graph."""
        probe = self.select(UNION_PROBE)
        if not probe:
            return  # an empty server: nothing to tell yet
        s, p, o = probe[0]
        if not self._answer(f"ASK {{ {s} {p} {o} }}", None, self.timeout):
            raise RemoteMisconfigured(
                f"The SPARQL server at {self.endpoint} does not treat its default graph as the union of its named "
                "graphs, so queries would see none of the data. Start it so that it does (Oxigraph: "
                "`oxigraph serve --union-default-graph`; Fuseki: `tdb2:unionDefaultGraph true`).",
                endpoint=self.endpoint,
            )

    def _fetch(self, query: str, accept: str, timeout: float, job: QueryJob | None = None) -> tuple[bytes, bool]:
        form = [("query", query)]
        form += [("default-graph-uri", graph) for graph in (job.default_graphs if job else ())]
        form += [("named-graph-uri", graph) for graph in (job.named_graphs if job else ())]
        response = self.http.query(self.endpoint, form, accept, timeout)
        return response.body, capped_by_server(response.headers)

    def _answer_capped(
        self, query: str, job: QueryJob | None, timeout: float, media_type: str | None = JSON_RESULTS
    ) -> tuple[Any, bool]:
        """Ask for the media type of the query's form (Virtuoso answers a CONSTRUCT asked for SPARQL JSON in
        a JSON of its own); when the form is unknown, SPARQL JSON first, then N-Triples."""
        if media_type != NTRIPLES:
            body, capped = self._fetch(query, f"{JSON_RESULTS}, {NTRIPLES};q=0.5", timeout, job)
            results = read_results(body)
            if results is not None:
                return results, capped
        body, capped = self._fetch(query, NTRIPLES, timeout, job)
        try:
            return [quad.triple for quad in parse(body, format=RdfFormat.N_TRIPLES)], capped
        except SyntaxError as error:
            raise StoreError(f"The SPARQL server's answer could not be read: {error}") from None

    def _answer(self, query: str, job: QueryJob | None, timeout: float) -> Any:
        return self._answer_capped(query, job, timeout)[0]

    def query_sync(self, job: QueryJob) -> QueryResult:
        media_type = check_syntax(job.query)
        try:
            answer, capped = self._answer_capped(job.query, job, job.timeout, media_type)
        except QueryTimeout:
            raise timeout_error(job.timeout) from None
        return serialise_remote(answer, job.result_format, job.max_rows, capped)

    def answer_now(self, job: QueryJob) -> QueryResult | None:
        return None  # every answer comes over the network

    async def query(self, job: QueryJob) -> QueryResult:
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.query_sync, job), timeout=job.timeout)
        except TimeoutError:
            raise timeout_error(job.timeout) from None

    def select(self, query: str) -> list[list[Any]]:
        answer = self._answer(query, None, self.timeout)
        if not isinstance(answer, Solutions):
            raise QueryFailed("Expected a SELECT answer from the SPARQL server.")
        return [list(row) for row in answer]

    def triple_count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0

    def graph_names(self) -> set[str]:
        return {row[0].value for row in self.select(GRAPHS_QUERY) if row[0] is not None}

    def source_records(self) -> dict[str, SourceRecord]:
        records = {}
        for graph, path, sha256 in self.select(updates.MANIFEST_QUERY):
            records[graph.value] = SourceRecord(graph.value, path.value, sha256.value)
        return records

    def replace_graph(self, record: SourceRecord, ntriples_text: str) -> None:
        """Forget the record, replace the graph batch by batch, then write the record: a build interrupted
        between the two leaves a graph without its record, which the next build loads again. A blank node
        and every triple it reaches go in one batch, so it stays one blank node on the server."""
        triples = [quad.triple for quad in parse(ntriples_text, format=RdfFormat.N_TRIPLES)]
        if self.gsp_endpoint:
            self.update(updates.forget_record(record.graph), graph=record.graph)
            self._put_graph(record.graph, ntriples(triples))
        else:
            first = f"{updates.forget_record(record.graph)} ;\nDROP SILENT GRAPH <{record.graph}>"
            self.update(first, graph=record.graph, operation="drop")
            for batch in component_batches(triples, self.batch_triples):
                self.update(insert_text(record.graph, batch), graph=record.graph, operation="insert")
        self.update(updates.write_record(record), graph=record.graph, operation="manifest update")

    def insert(self, graph: str, triples: Iterable[Triple], scope: str) -> int:
        """Add a stream of ``triples`` to ``graph``, one update per batch, blank nodes skolemised within
        ``scope`` (a stream cannot be cut at blank-node boundaries); the number of triples sent."""
        sent = 0
        for batch in batches(triples, self.batch_triples):
            self.update(insert_text(graph, skolemise(batch, scope)), graph=graph, operation="insert")
            sent += len(batch)
        return sent

    def drop_graph(self, graph: str) -> None:
        self.update(updates.drop_graph(graph), graph=graph, operation="drop")

    def update(self, sparql_update: str, *, graph: str | None = None, operation: str = "update") -> None:
        self.http.update(
            self.update_endpoint,
            sparql_update,
            operation=operation,
            graph=graph,
            timeout=max(self.timeout, UPDATE_TIMEOUT),
        )

    def write_case(self, graph: str, triples: Sequence[Triple], new: Sequence[str]) -> bool:
        """One conditional update (atomic on the server), then the server's own answer whether it wrote."""
        text = updates.insert_case(graph, triples, new) if new else insert_text(graph, list(triples))
        self.update(text, graph=graph, operation="case write")
        return bool(self._answer(updates.graph_exists(graph), None, self.timeout))

    def _put_graph(self, graph: str, text: str) -> None:
        """Graph Store Protocol: ``PUT <gsp>?graph=<graph>`` replaces the graph in one request."""
        assert self.gsp_endpoint is not None
        self.http.send(
            f"{self.gsp_endpoint}?graph={quote(graph, safe='')}",
            operation="upload",
            graph=graph,
            data=text.encode(),
            method="PUT",
            headers={"Content-Type": NTRIPLES},
            timeout=max(self.timeout, UPDATE_TIMEOUT),
        )


__all__ = ["QueryTimeout", "RemoteStore", "check_syntax"]
