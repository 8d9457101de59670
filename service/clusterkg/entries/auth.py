"""Who may write: bearer tokens from ``CLUSTERKG_WRITE_TOKEN`` and/or a token file naming each writer.

The token file is a JSON object (``{"alice": "token-a", "agency-b": "token-b"}``) or text with one
``name:token`` per line (lines starting with ``#`` are comments). It is read when the app starts. Without any token the
service accepts no writes (403 ``writes_disabled``); a write without a token is 401 (with
``WWW-Authenticate: Bearer``), one with a token that matches no writer is 403 ``invalid_token``. Tokens are
compared in constant time, and every configured token is compared, so timing does not tell which matched.

>>> writers = Writers({"alice": "s3cret-token"})
>>> writers.authorise("Bearer s3cret-token")
'alice'
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from pathlib import Path

from ..config import Settings
from ..errors import InvalidToken, Unauthorized, WritesDisabled

DEFAULT_WRITER = "default"
MIN_TOKEN_LENGTH = 8


class Writers:
    """Writers' names and their tokens."""

    def __init__(self, tokens: Mapping[str, str]) -> None:
        for name, token in tokens.items():
            if len(token) < MIN_TOKEN_LENGTH:
                raise ValueError(f"The token of writer {name!r} is shorter than {MIN_TOKEN_LENGTH} characters.")
        self._tokens = [(name, token.encode()) for name, token in tokens.items()]

    @classmethod
    def from_settings(cls, settings: Settings) -> Writers:
        tokens: dict[str, str] = {}
        if settings.token_file is not None:
            tokens.update(read_token_file(settings.token_file))
        if settings.write_token is not None:
            tokens[DEFAULT_WRITER] = settings.write_token.get_secret_value()
        return cls(tokens)

    @property
    def enabled(self) -> bool:
        return bool(self._tokens)

    def authorise(self, authorization: str | None) -> str:
        """The writer's name for an ``Authorization`` header; raises ``WritesDisabled``, ``Unauthorized``
        or ``InvalidToken``."""
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
        return writer


def read_token_file(path: Path) -> dict[str, str]:
    text = Path(path).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        data = json.loads(text)
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ValueError(f"{path}: expected a JSON object mapping writers' names to tokens.")
        return {str(name): token for name, token in data.items()}
    tokens = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, token = line.partition(":")
        if not sep or not name.strip() or not token.strip():
            raise ValueError(f"{path}, line {number}: expected 'name:token'.")
        tokens[name.strip()] = token.strip()
    return tokens
