"""The answer caches: pure ASGI middleware that sends answers before the routing layers.

``CachedAnswers`` answers ``GET /sparql`` itself (from the result cache, or from the store on a miss) and
``CachedCannedAnswers`` serves ``GET /queries/NAME`` from the service's result cache
(``cache.VersionedCache``), keyed by what the answer depends on and by the data version, so the first
request after any write runs the query again. Anything else, a canned miss or a refused request goes on
to the app, which answers (and reports errors) as usual.

The answer to ``GET /queries/NAME?...`` depends only on the query, the query string, the ``Accept`` header,
the URL the request was made to (the ``Link`` to the next page is absolute) and the data. The first
successful answer to such a request is kept as it was sent, in the service's result cache, under the data
version read before the request ran; an identical request then gets the same bytes while the version is
unchanged. Canned queries that call a remote ``SERVICE`` are never kept: their data can change at any
time. Errors are never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import ClusterKGError, unexpected
from ..store.base import QueryJob, QueryResult
from .sparql import MEDIA_TYPES, cache_version, read_job

PREFIX = "/queries/"

#: What is kept of an answer: status, headers and body, as sent.
Sent = tuple[int, list[tuple[bytes, bytes]], bytes]
#: A 200 answer's headers and body.
Answer = tuple[list[tuple[bytes, bytes]], bytes]
#: The key of ``CachedAnswers.answer_now`` in the app's lifespan state, where the HTTP protocol finds it.
ANSWER_NOW = "clusterkg.answer_now"


class CachedCannedAnswers:
    """Pure ASGI middleware for ``GET /queries/NAME``; anything else goes on to the app untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        version = canned_cache_version(state, scope["path"][len(PREFIX) :])
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


def canned_cache_version(state: Any, name: str) -> int | None:
    """The data version to keep the answer under, or ``None``: not a canned query, or a federated one."""
    canned = getattr(state, "canned", None)
    query = None if canned is None else canned.catalogue.queries.get(name)
    if query is None or query.federated:
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


class CachedAnswers:
    """Pure ASGI front of ``owner`` (the app) that answers ``GET /sparql`` before the middleware stack and
    the routing: from the result cache, or else by asking the store and sending its bytes (and keeping
    them). The request goes through the same limits, policy checks and negotiation as in the route; as
    their outcome depends only on the query string and the Accept header, it is remembered for the next
    identical request. A store error becomes a response through ``on_error``, the app's one error mapper,
    and so does an unexpected one (logged, as the app's handler does). Any other request, one the checks
    refuse (the route then reports the problem), or, with ``cors``, one that has an ``Origin`` (the CORS
    middleware answers it) goes on to ``app``, the app's stack."""

    def __init__(
        self,
        app: ASGIApp,
        owner: Any,
        on_error: Callable[[ClusterKGError, Request], Response],
        *,
        cors: bool = False,
        remembered: int = 4096,
    ) -> None:
        self.app = app
        self.owner = owner
        self.on_error = on_error
        self.cors = cors
        self.remembered = remembered
        self._jobs: dict[tuple[bytes, bytes], QueryJob] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/sparql" or self._cors(scope):
            await self.app(scope, receive, send)
            return
        scope["app"] = self.owner
        job = await self._job(scope, receive)
        if job is None:
            await self.app(scope, receive, send)
            return
        state = self.owner.state
        version = cache_version(state.store, job)
        result = state.result_cache.get(job, version)
        if result is None:
            try:
                result = await state.store.query(job)
            except ClusterKGError as error:
                await self.on_error(error, Request(scope, receive))(scope, receive, send)
                return
            except Exception as error:  # noqa: BLE001 - what the app's handler of unexpected errors does
                await self.on_error(unexpected(error, "GET /sparql"), Request(scope, receive))(scope, receive, send)
                return
            state.result_cache.put(job, version, result, len(result.body))
        await send_result(result, send)

    def answer_now(self, query_string: bytes, headers: list[tuple[bytes, bytes]]) -> Answer | None:
        """The headers and body of the answer to ``GET /sparql?`` ``query_string``, when it can be given
        before any ASGI work (``http/connections.py`` asks): a request whose checks passed before (the
        same query string and ``Accept`` header), answered from the result cache or by the store at once
        (``Store.answer_now``). ``None`` otherwise, and the request takes the path above. An error is
        raised as it is: the protocol then leaves the request to that path too, which reports it."""
        accept = None
        for name, value in headers:
            if name == b"accept" and accept is None:
                accept = value
            elif name == b"origin" and self.cors:
                return None
        job = self._jobs.get((query_string, accept or b""))
        if job is None:
            return None
        state = self.owner.state
        version = cache_version(state.store, job)
        result = state.result_cache.get(job, version)
        if result is None:
            result = state.store.answer_now(job)
            if result is None:
                return None
            state.result_cache.put(job, version, result, len(result.body))
        return result_headers(result), result.body

    def _cors(self, scope: Scope) -> bool:
        return self.cors and any(name == b"origin" for name, _ in scope["headers"])

    async def _job(self, scope: Scope, receive: Receive) -> QueryJob | None:
        accept = next((value for name, value in scope["headers"] if name == b"accept"), b"")
        key = (scope["query_string"], accept)
        job = self._jobs.get(key)
        if job is None:
            try:
                job = await read_job(Request(scope, receive))
            except ClusterKGError:
                return None
            if len(self._jobs) >= self.remembered:
                self._jobs.clear()
            self._jobs[key] = job
        return job


def result_headers(result: QueryResult) -> list[tuple[bytes, bytes]]:
    """The headers of ``to_response``'s response."""
    headers = [
        (b"content-type", MEDIA_TYPES[result.result_format].encode()),
        (b"content-length", str(len(result.body)).encode()),
        (b"vary", b"Accept"),
        (b"x-clusterkg-result-count", str(result.count).encode()),
    ]
    if result.truncated:
        headers.append((b"x-clusterkg-truncated", b"true"))
    return headers


async def send_result(result: QueryResult, send: Send) -> None:
    """The same response as ``to_response``, written as the two ASGI messages."""
    headers = result_headers(result)
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": result.body})
