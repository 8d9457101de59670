"""No spelling of a query makes the running service connect to a host that is not on its allow-list.

A real listener on 127.0.0.1 (and on ::1 where the machine has it) counts the connections it gets while
a corpus of queries tries to reach it through SERVICE: escapes in IRIs, strings and prefixed names,
comments, operators next to IRIs, nested groups, sub-queries, EXISTS, numeric, short and IPv6 hosts,
user information, odd case. The service runs once with an empty allow-list and once with an allow-list
that names another endpoint; either way the listener must see no connection, every answer is a 4xx or a
200, and the service keeps answering.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Server, free_port, start_server, write_sources

pytestmark = pytest.mark.integration


class Listener:
    """Accepts TCP connections on a free port and counts them."""

    def __init__(self, host: str) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(64)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()


def listeners() -> list[Listener]:
    found = [Listener("127.0.0.1")]
    with contextlib.suppress(OSError):  # no IPv6 loopback on this machine
        found.append(Listener("::1"))
    return found


def spellings(v4: int, v6: int | None) -> list[str]:
    """Queries that try to call the listeners (``v4`` on 127.0.0.1, ``v6`` on ::1)."""
    target = f"http://127.0.0.1:{v4}/sparql"
    hosts = [
        target,
        f"http://127.1:{v4}/sparql",
        f"http://2130706433:{v4}/sparql",
        f"http://0x7f000001:{v4}/sparql",
        f"http://localhost:{v4}/sparql",
        f"http://allowed.example@127.0.0.1:{v4}/sparql",
        f"HTTP://127.0.0.1:{v4}/sparql",
        *([f"http://[::1]:{v6}/sparql", f"http://[0:0:0:0:0:0:0:1]:{v6}/"] if v6 else []),
    ]
    escaped = target.replace("1", "\\u0031", 1)
    plain = [f"SELECT * WHERE {{ SERVICE <{host}> {{ ?s ?p ?o }} }}" for host in hosts]
    return [
        *plain,
        f"SELECT * WHERE {{ SeRvIcE SILENT <{target}> {{ ?s ?p ?o }} }}",
        # a prefixed name's own escapes (\' and \#) end it where a lexer would start a string or a comment
        f"PREFIX e: <http://e/> SELECT * WHERE {{ BIND(e:a\\' AS ?x) SERVICE <{target}> {{ ?s ?p ?o }} }} # '",
        f"PREFIX e: <http://e/> SELECT * WHERE {{ BIND(e:a\\# AS ?x) SERVICE <{target}> {{ ?s ?p ?o }}\n}}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{target.replace(':', '%3A', 1)}> {{ ?s ?p ?o }} }}",
        f'SELECT * WHERE {{ ?s ?p "\\u0022 }} SERVICE <{target}> {{ ?s ?p ?o }} #" }}',
        f"SELECT * WHERE {{ ?s <http://e/\\u003E SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <http://e/> SELECT * WHERE {{ ?s e:a\\u0020 SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o # }} SERVICE <{target}> {{ }}\n SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ FILTER(?a<<http://e/>) SERVICE<{target}>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ {{ {{ {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"PREFIX t: <http://127.0.0.1:{v4}/> SELECT * WHERE {{ SERVICE t:sparql {{ ?s ?p ?o }} }}",
        f"BASE <http://127.0.0.1:{v4}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <https://query.wikidata.org/sparql> {{ }} SERVICE <{target}> {{ }} }}",
    ]


@pytest.fixture(scope="module", params=["no allow-list", "another endpoint allowed"])
def service(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("ssrf")
    env = {
        "CLUSTERKG_DATA_DIR": str(root / "data"),
        "CLUSTERKG_SOURCE_DIR": str(write_sources(root / "src")),
        "CLUSTERKG_QUERY_TIMEOUT": "5",
        "CLUSTERKG_SERVICE_ALLOWLIST": "" if request.param == "no allow-list" else f"http://127.0.0.1:{free_port()}/",
    }
    yield from start_server(env=env, log=root / "server.log")


def ask(server: Server, query: str) -> int:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(server.url + "/sparql", data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        json.loads(error.read())  # every refusal is one of our JSON errors
        return int(error.code)


def test_no_spelling_reaches_a_host_off_the_allow_list(service: Server) -> None:
    targets = listeners()
    v6 = targets[1].port if len(targets) > 1 else None
    answers = {query: ask(service, query) for query in spellings(targets[0].port, v6)}
    assert sum(listener.connections for listener in targets) == 0
    assert all(status < 500 for status in answers.values()), {q: s for q, s in answers.items() if s >= 500}
    assert sum(status == 403 for status in answers.values()) >= len(answers) // 2
    with urllib.request.urlopen(service.url + "/health", timeout=5) as health:
        assert health.status == 200


def test_the_service_log_has_no_traceback(service: Server) -> None:
    assert "Traceback" not in Path(service.log).read_text(encoding="utf-8", errors="replace")
