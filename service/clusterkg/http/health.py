"""``/health``: is the store reachable, how many triples it holds, which version runs.

Answered from the event loop with the last background check (``store/monitor.py``): it never waits for the
store, nor behind queries and validation.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from .. import __version__
from ..errors import StoreUnavailable
from ..store.monitor import StoreMonitor
from .deps import get_store

router = APIRouter(tags=["Operations"])


@router.get(
    "/health",
    summary="Service and store status",
    responses={503: {"description": "The store did not answer its last check (or none recently)."}},
)
async def health(request: Request) -> dict[str, Any]:
    store = get_store(request)
    monitor: StoreMonitor = request.app.state.monitor
    status = monitor.status()
    if status.problem is not None:
        raise StoreUnavailable(status.problem, store=store.description)
    return {
        "status": "ok",
        "version": __version__,
        "store": {"description": store.description, "reachable": True, "triples": status.triples},
    }
