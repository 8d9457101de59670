"""The remote store's own handling, against a tiny local HTTP server: short errors, batches, blank nodes,
answers read as the embedded store's."""

from __future__ import annotations

import base64
import http.server
import json
import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from clusterkg.errors import StoreError
from clusterkg.store.base import QueryJob, SourceRecord
from clusterkg.store.remote import RemoteStore
from clusterkg.store.skolem import GENID, skolemise, unskolemise

GRAPH = "https://w3id.org/clusterkg/graph/data/sample"


class Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every update with ``status`` (and a long page when it is an error), and every query with
    ``answer``; keeps the update texts it received."""

    status = 204
    answer: ClassVar[dict[str, object]] = {"head": {"vars": []}, "results": {"bindings": []}}
    headers_out: ClassVar[dict[str, str]] = {}
    updates: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        if self.headers["Content-Type"].startswith("application/sparql-update"):
            self.updates.append(body)
            page = b"<html><body><h1>Error</h1><p>SP031: refused</p>" + b"x" * 5000 + b"</body></html>"
            self._send(self.status, page if self.status >= 400 else b"", "text/html")
        else:
            self._send(200, json.dumps(self.answer).encode(), "application/sparql-results+json")

    def _send(self, status: int, body: bytes, media_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in self.headers_out.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[type[Recorder]]:
    handler = type("Handler", (Recorder,), {"updates": [], "status": 204, "headers_out": {}})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{httpd.server_address[1]}/sparql"  # type: ignore[attr-defined]
    try:
        yield handler
    finally:
        httpd.shutdown()
        httpd.server_close()


def store_for(server: type[Recorder], batch: int = 500) -> RemoteStore:
    return RemoteStore(server.url, batch_triples=batch)  # type: ignore[attr-defined]


def ntriples(count: int) -> str:
    return "".join(f"<http://example.org/s{i}> <http://example.org/p> _:b{i} .\n" for i in range(count))


def test_a_refused_update_is_reported_shortly_with_operation_graph_and_server_message(server: type[Recorder]) -> None:
    server.status = 500
    with pytest.raises(StoreError) as caught:
        store_for(server).replace_graph(SourceRecord(GRAPH, "data/ttl/sample.ttl", "ab" * 32), ntriples(3000))
    message = caught.value.message
    assert message.startswith(f"The SPARQL server answered 500 to the drop of graph <{GRAPH}>: Error SP031: refused")
    assert len(message) < 500 and "INSERT" not in message and "example.org" not in message
    assert caught.value.extra["graph"] == GRAPH


def test_a_graph_is_loaded_in_batches_with_each_blank_node_whole(server: type[Recorder]) -> None:
    text = ntriples(1200) + "".join(f'_:b{i} <http://example.org/q> "{i}" .\n' for i in range(1200))
    store_for(server, batch=500).replace_graph(SourceRecord(GRAPH, "data/ttl/sample.ttl", "ab" * 32), text)
    inserts = [text for text in server.updates if text.startswith("INSERT {")]
    assert len(inserts) == 5  # 250 blank nodes of two triples each per batch
    for i in (0, 499, 1199):  # both triples of a blank node in the same batch
        assert sum(f"<http://example.org/s{i}> " in batch and f'> "{i}" .' in batch for batch in inserts) == 1
    assert all(batch.endswith("WHERE {}") for batch in inserts)
    assert "DROP SILENT GRAPH" in server.updates[0] and server.updates[-1].count(GRAPH) >= 1


def test_answers_are_read_as_the_embedded_store_gives_them(server: type[Recorder]) -> None:
    skolem = GENID + "clusterkg-abcd-b0"
    server.answer = {
        "head": {"vars": ["x", "flag"]},
        "results": {
            "bindings": [
                {
                    "x": {"type": "uri", "value": skolem},
                    "flag": {
                        "type": "typed-literal",
                        "datatype": "http://www.w3.org/2001/XMLSchema#boolean",
                        "value": "1",
                    },
                }
            ]
        },
    }
    server.headers_out = {"X-SPARQL-MaxRows": "1"}
    result = store_for(server).query_sync(QueryJob("SELECT ?x ?flag WHERE { ?x ?p ?flag }", "json"))
    row = json.loads(result.body)["results"]["bindings"][0]
    assert row["x"] == {"type": "bnode", "value": "clusterkg-abcd-b0"}
    assert row["flag"]["value"] == "true"
    assert result.truncated


def test_skolemising_and_back_keeps_the_shape() -> None:
    triple = Triple(BlankNode("n1"), NamedNode("http://example.org/p"), Literal("v"))
    skolemised = skolemise([triple], "scope")[0]
    assert isinstance(skolemised.subject, NamedNode) and skolemised.subject.value.startswith(GENID)
    assert unskolemise(skolemised.subject) == BlankNode("clusterkg-scope-n1")
    assert unskolemise(NamedNode("http://example.org/other")) == NamedNode("http://example.org/other")


class BasicOnly(http.server.BaseHTTPRequestHandler):
    """Asks for HTTP Basic, and answers an empty SELECT to ``user``/``secret``."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Authorization") != "Basic " + base64.b64encode(b"user:secret").decode():
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": []}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.mark.parametrize(("password", "works"), [("secret", True), ("wrong", False)])
def test_credentials_are_sent_as_http_basic_when_the_server_asks_for_it(password: str, works: bool) -> None:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BasicOnly)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        store = RemoteStore(f"http://127.0.0.1:{httpd.server_address[1]}/sparql", user="user", password=password)
        if works:
            assert store.select("SELECT ?x WHERE { ?x ?p ?o }") == []
        else:
            with pytest.raises(StoreError, match="answered 401 to the query"):
                store.select("SELECT ?x WHERE { ?x ?p ?o }")
    finally:
        httpd.shutdown()
        httpd.server_close()
