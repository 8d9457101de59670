"""Connections a real ``clusterkg serve`` keeps: /health answers with 1,000 idle and 200 slowloris connections
open; connections that send no request, or their headers too slowly, are closed after the header timeout,
idle keep-alive connections after the keep-alive timeout; connections beyond the limit are closed at once;
oversized headers are a 431 and a body that does not arrive a 408."""

from __future__ import annotations

import contextlib
import resource
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from conftest import Server, start_server, write_sources

pytestmark = pytest.mark.integration

IDLE = 1000
SLOW = 200
LIMIT = 1300
HEADER_TIMEOUT = 4.0
KEEP_ALIVE = 1.0
BODY_TIMEOUT = 2.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4 * LIMIT
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))  # the server inherits it
    root = tmp_path_factory.mktemp("connections")
    env = {
        "CLUSTERKG_DATA_DIR": str(root / "data"),
        "CLUSTERKG_SOURCE_DIR": str(write_sources(root / "src")),
        "CLUSTERKG_QUERY_WORKERS": "1",
        "CLUSTERKG_MAX_CONNECTIONS": str(LIMIT),
        "CLUSTERKG_HEADER_TIMEOUT": str(HEADER_TIMEOUT),
        "CLUSTERKG_KEEP_ALIVE_TIMEOUT": str(KEEP_ALIVE),
        "CLUSTERKG_BODY_TIMEOUT": str(BODY_TIMEOUT),
    }
    try:
        yield from start_server(env=env, log=root / "server.log")
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def address(server: Server) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def connect(server: Server, count: int) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(address(server), timeout=5)
        sockets.append(sock)
    return sockets


def health_seconds(server: Server) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(server.url + "/health", timeout=10) as response:
        assert response.status == 200
    return time.monotonic() - started


def closed_by_server(sock: socket.socket, wait: float) -> bool:
    sock.settimeout(wait)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def read_answer(sock: socket.socket) -> bytes:
    """A whole answer: headers, then as many bytes as ``content-length`` says."""
    data = b""
    while b"\r\n\r\n" not in data and (chunk := sock.recv(65536)):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    while len(body) < length and (chunk := sock.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def read_answers(sock: socket.socket, count: int) -> list[bytes]:
    """``count`` whole answers, each cut from the bytes received at its ``content-length``."""
    data, answers = b"", []
    while len(answers) < count:
        head, found, rest = data.partition(b"\r\n\r\n")
        length = next(
            (int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
            0,
        )
        if found and len(rest) >= length:
            answers.append(head + found + rest[:length])
            data = rest[length:]
        elif chunk := sock.recv(65536):
            data += chunk
        else:
            break
    return answers


def trickle(sockets: list[socket.socket], stop: threading.Event) -> None:
    """Slowloris: a request line, then one header byte per socket every 0.3 s, never the blank line."""
    for sock in sockets:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    while not stop.wait(0.3):
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.send(b"a")


def test_health_answers_within_a_second_beside_idle_and_slowloris_connections(server: Server) -> None:
    idle = connect(server, IDLE)
    slow = connect(server, SLOW)
    stop = threading.Event()
    trickler = threading.Thread(target=trickle, args=(slow, stop), daemon=True)
    trickler.start()
    try:
        time.sleep(0.5)
        timings = [health_seconds(server) for _ in range(5)]
        assert max(timings) < 1.0, timings
        # the header timeout closes both kinds, the trickling ones too
        time.sleep(HEADER_TIMEOUT)
        assert all(closed_by_server(sock, 2.0) for sock in idle[:50] + idle[-50:])
        assert all(closed_by_server(sock, 2.0) for sock in slow[:50])
        assert health_seconds(server) < 1.0
    finally:
        stop.set()
        trickler.join()
        for sock in idle + slow:
            sock.close()


def test_connections_beyond_the_limit_are_closed_at_once(server: Server) -> None:
    sockets = connect(server, LIMIT + 100)
    try:
        refused = sum(closed_by_server(sock, 0.05) for sock in sockets[LIMIT - 20 :])
        assert refused >= 100
    finally:
        for sock in sockets:
            sock.close()
    time.sleep(0.5)
    assert health_seconds(server) < 1.0


def test_an_idle_keep_alive_connection_is_closed_after_the_keep_alive_timeout(server: Server) -> None:
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert read_answer(sock).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        assert closed_by_server(sock, KEEP_ALIVE + 3)
        assert time.monotonic() - started < KEEP_ALIVE + 3


def test_oversized_headers_are_431(server: Server) -> None:
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n")
        answer = read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 431")
    assert b"CLUSTERKG_MAX_HEADER_BYTES" in answer


def test_a_body_that_does_not_arrive_is_408(server: Server) -> None:
    with socket.create_connection(address(server), timeout=BODY_TIMEOUT + 5) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 100\r\n\r\nASK {"
        )
        answer = read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"CLUSTERKG_BODY_TIMEOUT" in answer


def read_until(sock: socket.socket, marker: bytes, count: int = 1) -> bytes:
    data = b""
    while data.count(marker) < count:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def test_pipelined_requests_and_a_head_request_get_whole_answers_in_order(server: Server) -> None:
    """Answer heads are held until their bodies: a HEAD answer (no body) and pipelined answers still
    arrive, each whole and in the order asked."""
    ask = (
        b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n\r\n"
    )
    head = b"HEAD /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(ask + head + ask)
        data = read_until(sock, b'"boolean":true', 2)
    answers = data.split(b"HTTP/1.1 ")[1:]
    assert len(answers) == 3 and answers[0].startswith(b"200") and answers[2].startswith(b"200")
    assert b'"boolean":true' in answers[0] and b'"boolean":true' in answers[2]
    assert answers[1].endswith(b"\r\n\r\n")  # the HEAD answer (405 at /health): its head, no body


def test_an_expect_100_continue_is_answered_before_the_body_is_sent(server: Server) -> None:
    body = b"ASK {}"
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Accept: application/sparql-results+json\r\nExpect: 100-continue\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n"
        )
        assert read_until(sock, b"\r\n\r\n").startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        assert b'"boolean":true' in read_until(sock, b'"boolean":true')


def test_a_query_asked_again_gets_the_same_answer_alone_and_pipelined_in_order(server: Server) -> None:
    """After its first answer a lookup is answered by the protocol at once; the bytes are the same, and
    pipelined behind a query that needs a worker it still comes after that query's answer."""

    def get(query: str) -> bytes:
        return (
            b"GET /sparql?query=" + urllib.parse.quote(query, safe="").encode() + b" HTTP/1.1\r\n"
            b"Host: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n\r\n"
        )

    lookup = get("SELECT ?p ?o WHERE { <urn:x:nothing> ?p ?o }")
    join = get("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?o ?q ?x }")
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(lookup)
        first = read_answer(sock)
        sock.sendall(lookup)
        again = read_answer(sock)
        sock.sendall(join + lookup + join + lookup)
        pipelined = read_answers(sock, 4)
    body = first.partition(b"\r\n\r\n")[2]
    assert first.startswith(b"HTTP/1.1 200") and b'"bindings":[]' in body
    assert again.partition(b"\r\n\r\n")[2] == body
    assert [answer.startswith(b"HTTP/1.1 200") for answer in pipelined] == [True] * 4
    assert [b'"n"' in answer for answer in pipelined] == [True, False, True, False]
    assert pipelined[1].partition(b"\r\n\r\n")[2] == body == pipelined[3].partition(b"\r\n\r\n")[2]
