"""The service's settings: one pydantic-settings class, read from ``CLUSTERKG_*`` environment variables.

Built by the app factory and the CLI (never at import time), so tests and commands can pass their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogLevel = Literal["debug", "info", "warning", "error"]


def default_data_dir() -> Path:
    """``./var/store`` relative to the working directory: ``make run`` keeps the store inside the checkout."""
    return Path("var") / "store"


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
    query_workers: int = Field(default=2, ge=1, le=64, description="Query worker processes (embedded store).")
    http_workers: int = Field(default=1, ge=1, le=32, description="HTTP server processes (`clusterkg serve`).")
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

    @property
    def is_remote(self) -> bool:
        return bool(self.sparql_endpoint)
