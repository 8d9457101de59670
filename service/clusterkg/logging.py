"""Logging set-up and the access log: one line per request with method, path, status and duration."""

from __future__ import annotations

import logging
import sys
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("clusterkg.access")


def configure(level: str = "info") -> None:
    """Log to stderr; idempotent, so the CLI and the app factory can both call it."""
    root = logging.getLogger("clusterkg")
    root.setLevel(level.upper())
    if not any(getattr(handler, "_clusterkg", False) for handler in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._clusterkg = True  # type: ignore[attr-defined]
        root.addHandler(handler)
        root.propagate = False


class AccessLogMiddleware:
    """Pure ASGI middleware (no per-request task or body buffering): logs ``GET /sparql 200 3.1ms``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            duration = (time.perf_counter() - start) * 1000
            access_log.info("%s %s %d %.1fms", scope["method"], scope["path"], status, duration)
