"""The service's settings: one pydantic-settings class, read from ``CLUSTERKG_*`` environment variables.

Built by the app factory and the CLI (never at import time), so tests and commands can pass their own.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogLevel = Literal["debug", "info", "warning", "error"]


def _physical_memory() -> int:
    """Bytes of memory of this machine (or 8 GiB where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 8 * 2**30


def default_data_dir() -> Path:
    """``./var/store`` relative to the working directory: ``make run`` keeps the store inside the checkout."""
    return Path("var") / "store"


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform tells it, else all)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


class Settings(BaseSettings):
    """Every setting can be given as ``CLUSTERKG_<NAME>`` (for example ``CLUSTERKG_QUERY_TIMEOUT=5``)."""

    model_config = SettingsConfigDict(env_prefix="CLUSTERKG_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir, description="Directory of the embedded store.")
    source_dir: Path | None = Field(
        default=None,
        description="Directory holding ontology/, data/ttl/ and queries/ (default: the checkout or wheel).",
    )
    sparql_endpoint: str | None = Field(default=None, description="Remote SPARQL 1.1 query endpoint URL.")
    sparql_update_endpoint: str | None = Field(default=None, description="Remote SPARQL 1.1 update endpoint URL.")
    sparql_gsp_endpoint: str | None = Field(default=None, description="Remote Graph Store Protocol endpoint URL.")
    sparql_user: str | None = None
    sparql_password: str | None = None
    sparql_batch_triples: int = Field(
        default=500, gt=0, description="Triples per update request when loading a remote store."
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    query_timeout: float = Field(default=30.0, gt=0, description="Seconds a query may run.")
    max_query_length: int = Field(default=100_000, gt=0, description="Characters in a query.")
    max_body_bytes: int = Field(default=10_000_000, gt=0, description="Bytes in a request body.")
    max_result_rows: int = Field(default=100_000, gt=0, description="Rows (or triples) in a result.")
    max_query_nesting: int = Field(
        default=256, gt=0, le=1000, description="How deep a query may nest brackets ({, (, [)."
    )
    query_memory: Annotated[int | None, NoDecode] = Field(
        default=None,
        ge=256 * 2**20,
        description="Bytes of address space each query worker may use (503 query_memory beyond); "
        "accepts K/M/G suffixes. Default: half the machine's memory shared among the workers of all HTTP processes.",
    )
    replica_bytes: Annotated[int, NoDecode] = Field(
        default=64 * 2**20,
        ge=0,
        description="Snapshots of the embedded store whose files take at most this many bytes are read from an "
        "in-memory copy by each query worker and HTTP process (about twice that in memory each; 0: never); "
        "accepts K/M/G suffixes.",
    )
    query_workers: int = Field(
        default_factory=available_cores,
        ge=1,
        le=64,
        description="Query worker processes per HTTP process (embedded store).",
    )
    http_workers: int | None = Field(
        default=None, ge=1, le=32, description="HTTP server processes of `clusterkg serve` (default: one per core)."
    )
    result_cache_entries: int = Field(default=1024, ge=0, description="Answers kept by the result cache (0: off).")
    result_cache_bytes: int = Field(default=64_000_000, ge=0, description="Bytes the result cache may hold.")
    service_allowlist: Annotated[list[str], NoDecode] = Field(default_factory=list)
    import_allowlist: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="URL prefixes `clusterkg load` may fetch datasets from (comma-separated)."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    write_token: SecretStr | None = Field(
        default=None, description="Bearer token that allows writes (POST/DELETE /cases); the writer is named 'default'."
    )
    token_file: Path | None = Field(
        default=None, description="File of writers' names and tokens (JSON object, or `name:token` lines)."
    )
    max_entry_bytes: int = Field(default=1_000_000, gt=0, description="Bytes in an entry sent to /validate or /cases.")
    max_entry_triples: int = Field(default=20_000, gt=0, description="Triples an entry may hold (400 beyond).")
    max_entry_depth: int = Field(default=64, gt=0, description="Levels of nesting in an entry (400 beyond).")
    max_connections: int = Field(
        default=1024, ge=1, description="Connections open at once per HTTP process; more are closed at once."
    )
    header_timeout: float = Field(default=10.0, gt=0, description="Seconds a request's headers may take to arrive.")
    keep_alive_timeout: float = Field(
        default=5.0, gt=0, description="Seconds an idle keep-alive connection stays open."
    )
    max_header_bytes: int = Field(default=65_536, gt=0, description="Bytes of a request's headers (431 beyond).")
    body_timeout: float = Field(
        default=30.0, gt=0, description="Seconds a request body may take to arrive (408 beyond)."
    )
    log_level: LogLevel = "info"
    build_on_start: bool = Field(default=True, description="Build the embedded store at startup when sources changed.")

    @field_validator("service_allowlist", "import_allowlist", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("query_memory", "replica_bytes", mode="before")
    @classmethod
    def _parse_bytes(cls, value: object) -> object:
        """``"2G"``, ``"512M"``, ``"1500000000"``: the memory cap in bytes."""
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d+)\s*([KMGT]?)i?B?\s*", value, re.IGNORECASE)
            if match is None:
                raise ValueError(f"not a size in bytes (like 2G or 512M): {value!r}")
            return int(match[1]) * 1024 ** " KMGT".index(match[2].upper() or " ")
        return value

    @property
    def query_memory_bytes(self) -> int:
        """The memory cap of one query worker: the setting, or half the machine's memory divided among the
        query workers and federation workers of every HTTP process."""
        if self.query_memory is not None:
            return self.query_memory
        workers = (self.query_workers + (1 if self.service_allowlist else 0)) * (self.http_workers or 1)
        return max(_physical_memory() // 2 // workers, 1 * 2**30)

    @property
    def serve_processes(self) -> int:
        """The HTTP processes ``clusterkg serve`` starts: ``http_workers``, else one per core."""
        return self.http_workers or available_cores()

    @property
    def several_processes(self) -> bool:
        """Whether this process is one of several HTTP processes sharing the store (set by ``serve``)."""
        return (self.http_workers or 1) > 1

    @property
    def is_remote(self) -> bool:
        return bool(self.sparql_endpoint)
