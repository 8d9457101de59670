"""Settings that follow the machine: `clusterkg serve` uses its cores unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterkg.config import Settings, available_cores
from clusterkg.store.embedded import EmbeddedStore


def test_the_cores_are_those_this_process_may_run_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2}, raising=False)
    assert available_cores() == 3


def test_serve_starts_one_http_process_and_query_worker_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    settings = Settings()
    assert settings.serve_processes == 4 and settings.query_workers == 4
    assert not settings.several_processes  # an app made directly is one process


def test_the_defaults_can_be_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLUSTERKG_HTTP_WORKERS", "1")
    monkeypatch.setenv("CLUSTERKG_QUERY_WORKERS", "3")
    settings = Settings()
    assert settings.serve_processes == 1 and settings.query_workers == 3 and not settings.several_processes


def test_several_http_processes_share_the_store_through_snapshots(tmp_path: Path) -> None:
    assert EmbeddedStore.from_settings(Settings(data_dir=tmp_path, http_workers=2)).shared
    assert not EmbeddedStore.from_settings(Settings(data_dir=tmp_path)).shared
