"""``GET /sparql`` answered by the HTTP protocol itself when the app can answer at once: one write, the
headers uvicorn would send, no ASGI cycle; every request it cannot answer so, and one that must wait its
turn behind a pipelined request, goes to the app as before, and the answers leave in the order asked."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from uvicorn.config import Config
from uvicorn.server import ServerState

from clusterkg.http.caches import ANSWER_NOW
from clusterkg.http.connections import GuardedHttpToolsProtocol

AT_ONCE = b"query=at-once"
ANSWER = ([(b"content-type", b"text/plain"), (b"content-length", b"7")], b"at once")
DEFAULT_HEADERS = [(b"date", b"Fri, 04 Dec 2026 03:00:00 GMT"), (b"server", b"uvicorn")]


class Recording(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = b""
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += bytes(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: object = None) -> object:
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


class Connection:
    """One connection to the protocol, with an app that answers ``slow`` after a pause and anything
    else at once, and an ``answer_now`` that answers only ``AT_ONCE``."""

    def __init__(self, loop: asyncio.AbstractEventLoop, *, offered: bool = True) -> None:
        self.asked: list[tuple[bytes, list[tuple[bytes, bytes]]]] = []
        self.app_saw: list[tuple[str, str, bytes]] = []
        config = Config(
            app=self.app, interface="asgi3", http=GuardedHttpToolsProtocol, access_log=False, lifespan="off"
        )
        config.load()
        state = {ANSWER_NOW: self.answer_now} if offered else {}
        server = ServerState()
        server.default_headers = DEFAULT_HEADERS  # what uvicorn's server loop keeps up to date
        self.protocol = GuardedHttpToolsProtocol(config=config, server_state=server, app_state=state, _loop=loop)
        self.transport = Recording()
        self.protocol.connection_made(self.transport)
        self.loop = loop

    def answer_now(self, query_string: bytes, headers: list[tuple[bytes, bytes]]) -> object:
        self.asked.append((query_string, headers))
        if query_string == b"query=fails":
            raise RuntimeError("the store is not open")
        return ANSWER if query_string == AT_ONCE else None

    async def app(self, scope: dict, receive: object, send: object) -> None:  # type: ignore[type-arg]
        self.app_saw.append((scope["method"], scope["path"], scope["query_string"]))
        if scope["query_string"] == b"query=slow":
            await asyncio.sleep(0.05)
        body = b"from the app: " + scope["query_string"]
        headers = [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})  # type: ignore[operator]
        await send({"type": "http.response.body", "body": body})  # type: ignore[operator]

    def send(self, data: bytes) -> None:
        self.protocol.data_received(data)

    def settle(self, seconds: float = 0.2) -> None:
        self.loop.run_until_complete(asyncio.sleep(seconds))

    def answers(self) -> list[bytes]:
        return [b"HTTP/1.1 " + part for part in self.transport.written.split(b"HTTP/1.1 ")[1:]]


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def get(query: bytes, *extra: bytes, version: bytes = b"1.1") -> bytes:
    lines = [b"GET /sparql?" + query + b" HTTP/" + version, b"Host: 127.0.0.1", b"Accept: text/plain", *extra]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def test_a_query_the_app_answers_at_once_is_written_whole_with_uvicorns_headers_and_no_asgi_cycle(
    loop: asyncio.AbstractEventLoop,
) -> None:
    connection = Connection(loop)
    connection.send(get(AT_ONCE))
    written = connection.transport.written  # at once: before the event loop ran
    head, _, body = written.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 200 OK" and body == b"at once"
    assert lines[1:3] == [b"date: Fri, 04 Dec 2026 03:00:00 GMT", b"server: uvicorn"]
    assert b"content-type: text/plain" in lines and b"content-length: 7" in lines
    assert not any(line.startswith(b"connection:") for line in lines)
    assert connection.asked == [(AT_ONCE, [(b"host", b"127.0.0.1"), (b"accept", b"text/plain")])]
    connection.settle()
    assert connection.app_saw == [] and not connection.transport.closed
    connection.send(get(AT_ONCE))  # the connection is kept alive for the next request
    assert connection.answers()[1].endswith(b"\r\n\r\nat once")


def test_a_query_it_cannot_answer_at_once_goes_to_the_app(loop: asyncio.AbstractEventLoop) -> None:
    connection = Connection(loop)
    connection.send(get(b"query=other"))
    assert connection.transport.written == b""
    connection.settle()
    assert connection.app_saw == [("GET", "/sparql", b"query=other")]
    assert connection.answers() and connection.answers()[0].endswith(b"from the app: query=other")


def test_without_the_offer_every_request_goes_to_the_app(loop: asyncio.AbstractEventLoop) -> None:
    connection = Connection(loop, offered=False)
    connection.send(get(AT_ONCE))
    connection.settle()
    assert connection.asked == [] and connection.app_saw == [("GET", "/sparql", AT_ONCE)]


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /sparql?query=at-once HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
        b"GET /health?query=at-once HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET /sparql/?query=at-once HTTP/1.1\r\nHost: a\r\n\r\n",
        b"HEAD /sparql?query=at-once HTTP/1.1\r\nHost: a\r\n\r\n",
        b"GET /sparql?query=at-once HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n",
    ],
)
def test_other_requests_are_the_apps(loop: asyncio.AbstractEventLoop, request_bytes: bytes) -> None:
    connection = Connection(loop)
    connection.send(request_bytes)
    connection.settle()
    assert connection.asked == [] and len(connection.app_saw) == 1


def test_a_client_that_is_not_reading_is_answered_by_the_app(loop: asyncio.AbstractEventLoop) -> None:
    connection = Connection(loop)
    connection.protocol.pause_writing()
    connection.send(get(AT_ONCE))
    assert connection.transport.written == b"" and connection.asked == []
    connection.protocol.resume_writing()
    connection.settle()
    assert connection.app_saw == [("GET", "/sparql", AT_ONCE)]


def test_pipelined_answers_leave_in_the_order_asked(loop: asyncio.AbstractEventLoop) -> None:
    """The request after a slow one waits its turn: it is not answered at once ahead of the slow one."""
    connection = Connection(loop)
    connection.send(get(b"query=slow") + get(AT_ONCE))
    connection.settle()
    answers = connection.answers()
    assert len(answers) == 2
    assert answers[0].endswith(b"from the app: query=slow") and answers[1].endswith(b"from the app: query=at-once")
    connection.send(get(AT_ONCE) + get(AT_ONCE))  # nothing in flight: both at once, in order
    assert [answer.endswith(b"at once") for answer in connection.answers()[2:]] == [True, True]


@pytest.mark.parametrize(
    ("request_bytes", "closes"),
    [
        (get(AT_ONCE, version=b"1.0"), True),
        (get(AT_ONCE, b"Connection: close"), True),
        (get(AT_ONCE, b"Connection: keep-alive"), False),
    ],
)
def test_a_connection_the_client_does_not_keep_is_closed_after_the_answer(
    loop: asyncio.AbstractEventLoop, request_bytes: bytes, closes: bool
) -> None:
    connection = Connection(loop)
    connection.send(request_bytes)
    written = connection.transport.written
    assert written.endswith(b"at once")
    assert (b"\r\nconnection: close\r\n" in written) is closes and connection.transport.closed is closes


def test_a_body_sent_with_the_get_is_ignored_and_the_next_request_answered(loop: asyncio.AbstractEventLoop) -> None:
    connection = Connection(loop)
    connection.send(get(AT_ONCE, b"Content-Length: 5") + b"hello" + get(AT_ONCE))
    answers = connection.answers()
    assert len(answers) == 2 and all(answer.endswith(b"at once") for answer in answers)
    connection.settle()
    assert connection.app_saw == []


def test_an_answer_that_fails_is_asked_of_the_app_which_reports_it(loop: asyncio.AbstractEventLoop) -> None:
    connection = Connection(loop)
    connection.send(get(b"query=fails"))
    connection.settle()
    assert connection.app_saw == [("GET", "/sparql", b"query=fails")]
    assert connection.answers()[0].endswith(b"from the app: query=fails") and not connection.transport.closed
