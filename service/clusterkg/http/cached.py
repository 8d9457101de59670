"""Answers of canned queries sent again from the result cache, before the routing layers.

The answer to ``GET /queries/NAME?...`` depends only on the query, the query string, the ``Accept`` header,
the URL the request was made to (the ``Link`` to the next page is absolute) and the data. The first
successful answer to such a request is kept as it was sent, in the service's result cache, under the data
version read before the request ran; an identical request then gets the same bytes while the version is
unchanged, so the first request after any write runs the query again. Canned queries that call a remote
``SERVICE`` are never kept: their data can change at any time. Errors are never kept.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .sparql import analyse_cached

PREFIX = "/queries/"

#: What is kept of an answer: status, headers and body, as sent.
Sent = tuple[int, list[tuple[bytes, bytes]], bytes]


class CachedCannedAnswers:
    """Pure ASGI middleware for ``GET /queries/NAME``; anything else goes on to the app untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        version = cache_version(state, scope["path"][len(PREFIX) :])
        if version is None:
            await self.app(scope, receive, send)
            return
        key = request_key(scope)
        hit: Sent | None = state.result_cache.get(key, version)
        if hit is not None:
            await send_again(hit, send)
            return
        recorder = Recorder(send)
        await self.app(scope, receive, recorder.send)
        kept = recorder.sent()
        if kept is not None:
            state.result_cache.put(key, version, kept, len(kept[2]))


def cache_version(state: Any, name: str) -> int | None:
    """The data version to keep the answer under, or ``None``: not a canned query, or a federated one."""
    canned = getattr(state, "canned", None)
    query = None if canned is None else canned.catalogue.queries.get(name)
    if query is None or analyse_cached(query.text).service_targets:
        return None
    version: int | None = state.store.data_version
    return version


def request_key(scope: Scope) -> Hashable:
    headers = dict(scope["headers"])
    return ("canned", scope["scheme"], headers.get(b"host", b""), scope["path"], scope["query_string"],
            headers.get(b"accept", b""))  # fmt: skip


async def send_again(sent: Sent, send: Send) -> None:
    status, headers, body = sent
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Recorder:
    """Passes the answer on while keeping a copy of a complete 200 answer."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.complete = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body.append(message.get("body", b""))
            self.complete = not message.get("more_body", False)
        await self._send(message)

    def sent(self) -> Sent | None:
        if self.status != 200 or not self.complete:
            return None
        return self.status, self.headers, b"".join(self.body)
