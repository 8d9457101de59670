"""Pages for people: ``/`` (the query editor), its static assets, ``/examples`` and ``/docs`` (OpenAPI).

Everything is served from the package: no asset comes from the internet. Pages are templates in
``clusterkg/templates/`` that extend ``base.html`` (see ``pages/templating.py``); scripts and styles live in
``clusterkg/static/``, the browser libraries in ``static/vendor`` (copied from npm at build time). A new page
adds its template and a route here (or in its own router).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import swagger_ui_bundle
from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from ..canned.examples import load_examples
from ..linkeddata.iris import SERVED
from ..namespaces import PREFIXES
from ..pages.templating import render_page
from ..sources import locate
from .deps import get_settings

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)

router = APIRouter(tags=["Pages"])


def mount_static(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/docs-assets", StaticFiles(directory=SWAGGER_DIR), name="docs-assets")


#: What the query page's script needs from the service: the prefixes it knows in advance, which IRIs this
#: service serves (their results link to their pages) and where to complete terms.
EDITOR = {"endpoint": "/sparql", "completions": "/completions", "prefixes": PREFIXES, "served": SERVED.pattern}


@router.get("/", include_in_schema=False)
async def index() -> HTMLResponse:
    return HTMLResponse(render_page("sparql.html", "/", editor=EDITOR))


@router.get("/examples", summary="Example queries shown on the query page")
async def examples(request: Request) -> list[dict[str, Any]]:
    resources = locate(get_settings(request).source_dir)
    return [example.to_json() for example in load_examples(resources)]


@router.get("/docs", include_in_schema=False)
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="ClusterKG API",
        swagger_js_url="/docs-assets/swagger-ui-bundle.js",
        swagger_css_url="/docs-assets/swagger-ui.css",
        swagger_favicon_url="/docs-assets/favicon-32x32.png",
    )
