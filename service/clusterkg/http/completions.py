"""``GET /completions``: the query editor's term completion, from this store (see ``linkeddata/completions.py``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from ..linkeddata.completions import KINDS, complete
from .deps import get_store

router = APIRouter(tags=["Pages"])


@router.get("/completions", summary="Classes, properties and concepts whose IRI starts with the given text")
async def completions(
    request: Request,
    prefix: Annotated[str, Query(description="An IRI start or a prefixed name: ckg:Clu")] = "",
    kind: Annotated[str | None, Query(description=f"One of {', '.join(KINDS)}; any kind when left out")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, object]]:
    found = await complete(get_store(request), prefix, kind or None, limit)
    return [item.to_json() for item in found]
