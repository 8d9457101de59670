"""Settings read from ``CLUSTERKG_*``: sizes with suffixes, refused values named, derived defaults (the
memory cap, and `clusterkg serve` using the machine's cores unless told otherwise)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from clusterkg.config import Settings, available_cores
from clusterkg.store.embedded import EmbeddedStore


@pytest.mark.parametrize(
    ("given", "expected"),
    [("2G", 2 * 2**30), ("512M", 512 * 2**20), ("768MiB", 768 * 2**20), (str(3 * 2**30), 3 * 2**30)],
)
def test_the_query_memory_cap_is_read_with_its_unit(monkeypatch: pytest.MonkeyPatch, given: str, expected: int) -> None:
    monkeypatch.setenv("CLUSTERKG_QUERY_MEMORY", given)
    assert Settings().query_memory_bytes == expected


@pytest.mark.parametrize("given", ["lots", "-1G", "100M"])
def test_a_query_memory_cap_that_is_no_size_or_too_small_is_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    monkeypatch.setenv("CLUSTERKG_QUERY_MEMORY", given)
    with pytest.raises(ValidationError, match="query_memory"):
        Settings()


def test_by_default_the_query_workers_share_half_the_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("clusterkg.config._physical_memory", lambda: 16 * 2**30)
    assert Settings(query_workers=2).query_memory_bytes == 4 * 2**30
    assert Settings(query_workers=2, service_allowlist=["https://query.wikidata.org/"]).query_memory_bytes == (
        8 * 2**30 // 3
    )
    assert Settings(query_workers=64).query_memory_bytes == 2**30  # never less than 1 GiB by default


def test_by_default_the_workers_of_every_http_process_share_that_half(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("clusterkg.config._physical_memory", lambda: 16 * 2**30)
    assert Settings(query_workers=2, http_workers=2).query_memory_bytes == 2 * 2**30


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
