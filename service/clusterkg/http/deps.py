"""Access to the app's settings and store from a request (the objects ``create_app`` put in ``app.state``)."""

from __future__ import annotations

from starlette.requests import Request

from ..config import Settings
from ..store import Store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store
