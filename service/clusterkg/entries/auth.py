"""Who may write: bearer tokens from ``CLUSTERKG_WRITE_TOKEN`` and/or a token file naming each writer.

The token file is a JSON object (``{"alice": "token-a", "agency-b": {"token": "token-b", "role": "admin"}}``)
or text with one ``name:token`` per line, optionally followed by a space and the role ``admin`` (lines
starting with ``#`` are comments). It is read when the app starts. Without any token the service accepts no
writes (403 ``writes_disabled``); a write without a token is 401 (with ``WWW-Authenticate: Bearer``), one
with a token that matches no writer is 403 ``invalid_token``. Tokens are compared in constant time, and
every configured token is compared, so timing does not tell which matched.

Every writer may submit cases and delete its own; an administrator may delete anyone's.

>>> writers = Writers({"alice": "s3cret-token"}, admins={"root"})
>>> writers.authorise("Bearer s3cret-token")
'alice'
>>> writers.identify("Bearer s3cret-token")
Writer(name='alice', admin=False)
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import InvalidToken, Unauthorized, WritesDisabled

DEFAULT_WRITER = "default"
MIN_TOKEN_LENGTH = 8
ADMIN = "admin"
ROLES = ("writer", ADMIN)


@dataclass(frozen=True)
class Writer:
    """Who sent a write: the writer's name, and whether it is an administrator."""

    name: str
    admin: bool = False


class Writers:
    """Writers' names and their tokens; ``admins`` names the administrators."""

    def __init__(self, tokens: Mapping[str, str], admins: Collection[str] = ()) -> None:
        for name, token in tokens.items():
            if len(token) < MIN_TOKEN_LENGTH:
                raise ValueError(f"The token of writer {name!r} is shorter than {MIN_TOKEN_LENGTH} characters.")
        self._tokens = [(name, token.encode()) for name, token in tokens.items()]
        self._admins = frozenset(admins)

    @classmethod
    def from_settings(cls, settings: Settings) -> Writers:
        tokens: dict[str, str] = {}
        admins: set[str] = set()
        if settings.token_file is not None:
            for name, (token, role) in read_token_file_roles(settings.token_file).items():
                tokens[name] = token
                admins.update([name] if role == ADMIN else [])
        if settings.write_token is not None:
            tokens[DEFAULT_WRITER] = settings.write_token.get_secret_value()
        return cls(tokens, admins)

    @property
    def enabled(self) -> bool:
        return bool(self._tokens)

    def authorise(self, authorization: str | None) -> str:
        """The writer's name for an ``Authorization`` header; raises ``WritesDisabled``, ``Unauthorized``
        or ``InvalidToken``."""
        return self.identify(authorization).name

    def identify(self, authorization: str | None) -> Writer:
        """The writer (name and role) an ``Authorization`` header names; raises as ``authorise`` does."""
        if not self.enabled:
            raise WritesDisabled(
                "Writes are disabled: the service has no write token (CLUSTERKG_WRITE_TOKEN or CLUSTERKG_TOKEN_FILE)."
            )
        scheme, _, credentials = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise Unauthorized("Writing needs a bearer token: send 'Authorization: Bearer <token>'.")
        given = credentials.strip().encode()
        writer = None
        for name, token in self._tokens:
            if hmac.compare_digest(given, token) and writer is None:
                writer = name
        if writer is None:
            raise InvalidToken("The bearer token is not valid.")
        return Writer(writer, writer in self._admins)


def read_token_file(path: Path) -> dict[str, str]:
    """Writers' names and tokens (roles aside)."""
    return {name: token for name, (token, _) in read_token_file_roles(path).items()}


def read_token_file_roles(path: Path) -> dict[str, tuple[str, str]]:
    """Writers' names, each with its token and role (``writer`` unless the file says ``admin``)."""
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected a JSON object mapping writers' names to tokens.")
        return {str(name): _json_writer(path, str(name), value) for name, value in data.items()}
    writers = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, rest = line.partition(":")
        token, _, role = rest.strip().partition(" ")
        if not sep or not name.strip() or not token or role.strip() not in ("", *ROLES):
            raise ValueError(f"{path}, line {number}: expected 'name:token' or 'name:token admin'.")
        writers[name.strip()] = (token, role.strip() or "writer")
    return writers


def _json_writer(path: Path, name: str, value: Any) -> tuple[str, str]:
    if isinstance(value, str):
        return value, "writer"
    if isinstance(value, dict) and isinstance(value.get("token"), str) and value.get("role", "writer") in ROLES:
        return value["token"], value.get("role", "writer")
    raise ValueError(f"{path}: writer {name!r} needs a token (a string, or {{'token': ..., 'role': 'admin'}}).")
