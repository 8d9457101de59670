"""Settings read from ``CLUSTERKG_*``: sizes with suffixes, refused values named, derived defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from clusterkg.config import Settings


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
