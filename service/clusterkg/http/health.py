"""``/health``: is the store reachable, how many triples it holds, which version runs."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request

from .. import __version__
from ..errors import ClusterKGError, StoreUnavailable
from .deps import get_settings, get_store

router = APIRouter(tags=["Operations"])

HEALTH_TIMEOUT = 5.0


@router.get("/health", summary="Service and store status")
async def health(request: Request) -> dict[str, Any]:
    store = get_store(request)
    timeout = min(HEALTH_TIMEOUT, get_settings(request).query_timeout)
    try:
        triples = await asyncio.wait_for(asyncio.to_thread(store.triple_count), timeout=timeout)
    except TimeoutError:
        raise StoreUnavailable(f"The store did not answer within {timeout:g} s.", store=store.description) from None
    except ClusterKGError as error:
        raise StoreUnavailable(f"The store is not reachable: {error.message}", store=store.description) from None
    return {
        "status": "ok",
        "version": __version__,
        "store": {"description": store.description, "reachable": True, "triples": triples},
    }
