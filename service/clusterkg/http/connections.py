"""The server's guard on connections: a limit on how many are open, and on how long and how large a
request's headers may be, so idle and slow clients cannot hold the file descriptors and the event loop.

uvicorn closes a keep-alive connection that stays idle after a response (``timeout_keep_alive``), but
neither a connection that never sends a request nor one that sends its headers a byte at a time
(slowloris), and it does not bound the headers' size on its default (httptools) parser. This protocol is
uvicorn's own httptools protocol with three additions:

- a connection beyond ``max_connections`` open at once is closed as soon as it is accepted;
- the headers of every request must be complete ``header_timeout`` seconds after the connection was
  accepted (first request) or after the previous response (the next ones), else the connection is closed;
- headers larger than ``max_header_bytes`` are answered ``431`` and the connection is closed;
- a response's status line and headers are held until its first body bytes (or its end) and written with
  them (``HeldHeaders``): one write, one segment on the wire and one wake-up of the client for an answer
  sent whole, instead of two.
- ``GET /sparql`` is answered by the protocol itself, without an ASGI cycle (a task, the scope's trip
  through the middleware, two messages), when the app says it can answer at once
  (``caches.CachedAnswers.answer_now``, which the app's lifespan state offers): a query whose checks
  passed before, answered from the result cache or evaluated at once by the store. Every other request,
  and one that has to wait its turn behind a pipelined request, a client that is not reading, a
  ``100 Continue``, or an answer that failed (the app, asked again, reports the error), goes to uvicorn
  as usual.

``clusterkg serve`` passes it to uvicorn as its ``http`` protocol, after ``configure(settings)``.
"""

from __future__ import annotations

import asyncio
import json
import resource
import time
from dataclasses import dataclass
from typing import ClassVar

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..config import Settings
from ..logging import log_access
from .caches import ANSWER_NOW

#: Descriptors kept for the store, the query workers' pipes, log files and the like.
RESERVED_DESCRIPTORS = 256


@dataclass(frozen=True)
class ConnectionLimits:
    max_connections: int = 1024
    header_timeout: float = 10.0
    max_header_bytes: int = 65_536

    @classmethod
    def from_settings(cls, settings: Settings) -> ConnectionLimits:
        return cls(settings.max_connections, settings.header_timeout, settings.max_header_bytes)


def raise_descriptor_limit(wanted: int) -> int:
    """Raise this process's soft limit on open files towards its hard limit, to hold ``wanted`` connections
    and what the service needs besides; the number of connections that fit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted + RESERVED_DESCRIPTORS
    if soft < target and (hard == resource.RLIM_INFINITY or soft < hard):
        soft = target if hard == resource.RLIM_INFINITY else min(target, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return max(min(wanted, soft - RESERVED_DESCRIPTORS), 1)


def configure(settings: Settings) -> None:
    """Set the limits every connection of this process gets (and the descriptors they need)."""
    limits = ConnectionLimits.from_settings(settings)
    fitting = raise_descriptor_limit(limits.max_connections)
    GuardedHttpToolsProtocol.limits = ConnectionLimits(fitting, limits.header_timeout, limits.max_header_bytes)


def _error(status: bytes, code: str, message: str) -> bytes:
    body = json.dumps({"error": code, "message": message}).encode()
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\nconnection: close\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )


class HeldHeaders:
    """A request cycle's view of the connection's transport that holds the response's head (the status line
    and headers, the cycle's first write but for a ``100 Continue``) until the next write, ``flush`` or
    ``close``, and writes them together; everything else is the transport's."""

    __slots__ = ("_head", "_started", "_transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._head: bytes | None = None
        self._started = False

    def write(self, data: bytes) -> None:
        if not self._started and not data.startswith(_CONTINUE):
            self._started = True
            self._head = data
            return
        head = self._head
        if head is not None:
            self._head = None
            data = head + data
        self._transport.write(data)

    def flush(self) -> None:
        head, self._head = self._head, None
        if head is not None:
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._transport, name)


_CONTINUE = b"HTTP/1.1 100 "


class _Unheard:
    def set(self) -> None:
        """Nobody waits for a request that was answered at once."""


class AnsweredAtOnce:
    """What uvicorn's protocol reads of its current request cycle, for a request it did not make one for:
    answered and complete (the rest of its body, if any, is ignored, as after any response)."""

    response_complete = True
    keep_alive = True
    message_event = _Unheard()


ANSWERED = AnsweredAtOnce()


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a connection limit, a header timeout and a header size limit."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()

    _header_timer: asyncio.TimerHandle | None = None
    _reading_headers = True
    _header_bytes = 0  # of the headers parsed so far
    _raw_header_bytes = 0  # received while the headers were not complete

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            transport.abort()  # over the limit: refused at once, the descriptor freed
            return
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        reading = self._reading_headers
        super().data_received(data)
        if reading and self._reading_headers:  # these bytes did not complete the headers
            self._raw_header_bytes += len(data)
        too_large = max(self._header_bytes, self._raw_header_bytes) > self.limits.max_header_bytes
        if too_large and self._reading_headers:
            self._refuse_headers()  # headers that are too large and not even complete yet

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading_headers, self._header_bytes, self._raw_header_bytes = True, 0, 0
        if self._header_timer is None:  # a request after the first: its headers' time starts now
            self._await_headers()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        self._header_bytes += len(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._header_bytes += len(name) + len(value) + 4

    def on_headers_complete(self) -> None:
        self._reading_headers = False
        self._cancel_header_timer()
        if self._header_bytes > self.limits.max_header_bytes:
            self._refuse_headers()  # before the request reaches the app
            return
        if self._answered_at_once():
            return
        super().on_headers_complete()
        cycle = self.cycle
        if cycle is not None and cycle.transport is self.transport:
            held = HeldHeaders(self.transport)
            cycle.transport = held  # type: ignore[assignment]
            completed = cycle.on_response

            def on_response() -> None:
                held.flush()  # a response without body bytes (HEAD, 204, 304)
                completed()

            cycle.on_response = on_response

    def _answered_at_once(self) -> bool:
        """Answer a ``GET /sparql`` here if the app can answer it at once (see the module); ``False`` leaves
        the request to uvicorn."""
        answer_now = self.app_state.get(ANSWER_NOW)
        previous = self.cycle
        if (
            answer_now is None
            or self.limit_concurrency is not None  # uvicorn's own limit: its cycle applies it
            or (previous is not None and not previous.response_complete)  # pipelined: it waits its turn
            or self.expect_100_continue
            or self.flow.write_paused
            or self.root_path
            or self.parser.get_method() != b"GET"
            or self.parser.should_upgrade()
        ):
            return False
        url = httptools.parse_url(self.url)
        if url.path != b"/sparql":
            return False
        started = time.perf_counter()
        try:
            answer = answer_now(url.query or b"", self.headers)
        except Exception:  # noqa: BLE001 - uvicorn's cycle asks the app again, which reports the error
            return False
        if answer is None:
            return False
        headers, body = answer
        keep_alive = self.parser.get_http_version() != "1.0" and self.parser.should_keep_alive()
        response = [b"HTTP/1.1 200 OK\r\n"]
        for name, value in (*self.server_state.default_headers, *headers):
            response += (name, b": ", value, b"\r\n")
        response.append(b"\r\n" if keep_alive else b"connection: close\r\n\r\n")
        response.append(body)
        self.transport.write(b"".join(response))
        self.cycle = ANSWERED  # type: ignore[assignment]
        log_access("GET", "/sparql", 200, (time.perf_counter() - started) * 1000)
        if not keep_alive:
            self.transport.close()
        self.on_response_complete()
        return True

    def _await_headers(self) -> None:
        self._reading_headers, self._header_bytes, self._raw_header_bytes = True, 0, 0
        self._cancel_header_timer()
        self._header_timer = self.loop.call_later(self.limits.header_timeout, self._headers_too_slow)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self._reading_headers and not self.transport.is_closing():
            self.transport.close()

    def _refuse_headers(self) -> None:
        if self.transport.is_closing():
            return
        message = (
            f"The request's headers exceed the limit of {self.limits.max_header_bytes} bytes "
            "(CLUSTERKG_MAX_HEADER_BYTES)."
        )
        self._cancel_header_timer()
        self.transport.write(_error(b"431 Request Header Fields Too Large", "headers_too_large", message))
        self.transport.close()
