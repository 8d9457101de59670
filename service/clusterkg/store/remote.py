"""The remote store: any SPARQL 1.1 server (Oxigraph, Fuseki, Virtuoso, GraphDB, Neptune...) via SPARQLWrapper.

Queries are checked locally with pyoxigraph's parser first, so a syntax error is a 400 with its position
whatever the server says. Answers are fetched as SPARQL JSON (SELECT/ASK) or N-Triples (CONSTRUCT/DESCRIBE),
then written in the wanted format with the same code as the embedded store, so both give the same bytes
and the same row limit. The server should treat its default graph as the union of all named graphs
(Oxigraph: ``oxigraph serve --union-default-graph``), as the embedded store does.
"""

from __future__ import annotations

import asyncio
import base64
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any
from urllib.parse import quote

from pyoxigraph import QueryResultsFormat, QuerySolutions, RdfFormat, Triple, parse, parse_query_results
from pyoxigraph import Store as OxStore
from SPARQLWrapper import POST, POSTDIRECTLY, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from ..config import Settings
from ..errors import QueryFailed, QuerySyntaxError, QueryTimeout, StoreError, StoreUnavailable
from . import updates
from .base import QueryJob, QueryResult, SourceRecord
from .evaluate import serialise_answer
from .workers import timeout_error

JSON_RESULTS = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


def default_update_endpoint(endpoint: str) -> str:
    """Oxigraph and Fuseki answer queries at ``.../query`` and updates at ``.../update``; others at one URL."""
    if endpoint.endswith("/query"):
        return endpoint[: -len("query")] + "update"
    return endpoint


def check_syntax(query: str) -> None:
    """Parse with pyoxigraph on an empty in-memory store (evaluation is lazy or trivial there)."""
    try:
        OxStore().query(query)
    except SyntaxError as error:
        raise QuerySyntaxError.from_parser_message(str(error)) from None
    except OSError:
        pass  # an allowed SERVICE that cannot be reached from here: the server will tell


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
    ) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or default_update_endpoint(endpoint)
        self.gsp_endpoint = gsp_endpoint
        self.user = user
        self.password = password
        self.timeout = timeout

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

    def start(self) -> None:
        """Nothing to open: each request is its own HTTP exchange."""

    def close(self) -> None:
        """Nothing to close."""

    def _wrapper(self, timeout: float) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.endpoint, updateEndpoint=self.update_endpoint)
        wrapper.setOnlyConneg(True)
        wrapper.setMethod(POST)
        wrapper.setTimeout(max(int(timeout + 0.999), 1))
        if self.user is not None:
            wrapper.setCredentials(self.user, self.password or "")
        return wrapper

    def _fetch(self, query: str, accept: str, timeout: float, job: QueryJob | None = None) -> bytes:
        wrapper = self._wrapper(timeout)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setQuery(query)
        if wrapper.isSparqlUpdateRequest():
            # SPARQLWrapper guesses the form from the text, comments included: a query whose comment says
            # "moved" or "added" would be sent as an update (MOVE, ADD). What is fetched here is a query.
            wrapper.queryType = SELECT
        wrapper.addCustomHttpHeader("Accept", accept)
        for graph in job.default_graphs if job else ():
            wrapper.addDefaultGraph(graph)
        for graph in job.named_graphs if job else ():
            wrapper.addNamedGraph(graph)
        return self._call(partial(_read, wrapper), timeout)

    def _call(self, action: Callable[[], bytes], timeout: float) -> bytes:
        try:
            return action()
        except QueryBadFormed as error:
            raise QuerySyntaxError(f"The SPARQL server refused the query: {error}") from None
        except TimeoutError:
            raise timeout_error(timeout) from None
        except SPARQLWrapperException as error:
            raise StoreError(f"The SPARQL server answered with an error: {error}") from None
        except urllib.error.HTTPError as error:
            raise StoreError(f"The SPARQL server answered {error.code}: {error.reason}") from None
        except (urllib.error.URLError, OSError) as error:
            raise StoreUnavailable(f"Cannot reach the SPARQL server at {self.endpoint}: {error}") from None

    def _answer(self, query: str, job: QueryJob | None, timeout: float) -> Any:
        """Ask for SPARQL JSON; if the answer turns out to be a graph, ask again for N-Triples."""
        body = self._fetch(query, f"{JSON_RESULTS}, {NTRIPLES};q=0.5", timeout, job)
        try:
            return parse_query_results(body, format=QueryResultsFormat.JSON)
        except (SyntaxError, ValueError):
            pass
        body = self._fetch(query, NTRIPLES, timeout, job)
        try:
            return [quad.triple for quad in parse(body, format=RdfFormat.N_TRIPLES)]
        except SyntaxError as error:
            raise StoreError(f"The SPARQL server's answer could not be read: {error}") from None

    def query_sync(self, job: QueryJob) -> QueryResult:
        check_syntax(job.query)
        answer = self._answer(job.query, job, job.timeout)
        return serialise_answer(answer, job.result_format, job.max_rows)

    async def query(self, job: QueryJob) -> QueryResult:
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.query_sync, job), timeout=job.timeout)
        except TimeoutError:
            raise timeout_error(job.timeout) from None

    def select(self, query: str) -> list[list[Any]]:
        answer = self._answer(query, None, self.timeout)
        if not isinstance(answer, QuerySolutions):
            raise QueryFailed("Expected a SELECT answer from the SPARQL server.")
        return [list(row) for row in answer]

    def triple_count(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0][0].value) if rows and rows[0][0] is not None else 0

    def graph_names(self) -> set[str]:
        return {row[0].value for row in self.select(updates.GRAPHS_QUERY) if row[0] is not None}

    def source_records(self) -> dict[str, SourceRecord]:
        records = {}
        for graph, path, sha256 in self.select(updates.MANIFEST_QUERY):
            records[graph.value] = SourceRecord(graph.value, path.value, sha256.value)
        return records

    def replace_graph(self, record: SourceRecord, ntriples: str) -> None:
        if self.gsp_endpoint:
            self._put_graph(record.graph, ntriples)
            self.update(updates.write_record(record))
        else:
            self.update(updates.replace_graph(record, ntriples))

    def drop_graph(self, graph: str) -> None:
        self.update(updates.drop_graph(graph))

    def update(self, sparql_update: str) -> None:
        wrapper = self._wrapper(max(self.timeout, 300.0))
        wrapper.setRequestMethod(POSTDIRECTLY)
        wrapper.setQuery(sparql_update)
        self._call(partial(_read, wrapper), self.timeout)

    def write_case(self, graph: str, triples: Sequence[Triple], new: Sequence[str]) -> bool:
        """One conditional update (atomic on the server), then the server's own answer whether it wrote."""
        self.update(updates.insert_case(graph, triples, new))
        rows = self._answer(updates.graph_exists(graph), None, self.timeout)
        return bool(rows)

    def _put_graph(self, graph: str, ntriples: str) -> None:
        """Graph Store Protocol: ``PUT <gsp>?graph=<graph>`` replaces the graph in one request."""
        assert self.gsp_endpoint is not None
        request = urllib.request.Request(  # noqa: S310 - the configured endpoint is http(s)
            f"{self.gsp_endpoint}?graph={quote(graph, safe='')}",
            data=ntriples.encode(),
            method="PUT",
            headers={"Content-Type": NTRIPLES},
        )
        if self.user is not None:
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        self._call(partial(_send, request, max(self.timeout, 300.0)), self.timeout)


def _read(wrapper: SPARQLWrapper) -> bytes:
    body: bytes = wrapper.query().response.read()
    return body


def _send(request: urllib.request.Request, timeout: float) -> bytes:
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - configured http(s) endpoint
        body: bytes = response.read()
    return body


__all__ = ["QueryTimeout", "RemoteStore", "check_syntax"]
