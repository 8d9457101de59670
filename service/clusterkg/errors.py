"""Every error the service reports, with its machine-readable code and HTTP status.

Routes and stores raise these; ``app.py`` turns them into ``{"error": code, "message": ..., **extra}``
in one exception handler. Nothing else builds an error response.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger("clusterkg.app")


class ClusterKGError(Exception):
    """Base class: ``code`` names the error, ``status`` is its HTTP status, ``extra`` adds JSON fields."""

    code: str = "internal_error"
    status: int = 500

    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra

    def to_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.extra}

    @property
    def headers(self) -> dict[str, str]:
        """HTTP headers the response must carry (``WWW-Authenticate`` for 401)."""
        return {}


def unexpected(error: Exception, where: str) -> ClusterKGError:
    """An exception no handler expected: logged with the request it broke (``where``), and the error the
    client is told instead (nothing of the exception reaches it)."""
    log.error("unexpected error on %s: %r", where, error)
    return ClusterKGError("An internal error occurred; it has been logged.")


class HTTPError(ClusterKGError):
    """Any other HTTP error status (raised by the framework, not by our code)."""

    code = "http_error"

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class BadRequest(ClusterKGError):
    code = "bad_request"
    status = 400


class BadParameter(BadRequest):
    code = "bad_parameter"


_POSITION = re.compile(r"(?:error )?at (\d+):(\d+)")


class StoreNotBuilt(BadRequest):
    """A command asked to read an embedded store that has not been built yet."""

    code = "store_not_built"


class QuerySyntaxError(BadRequest):
    """A query the SPARQL parser refused; ``line`` and ``column`` locate the error (1-based)."""

    code = "query_syntax"

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message, line=line, column=column)
        self.line = line
        self.column = column

    @classmethod
    def from_parser_message(cls, message: str) -> QuerySyntaxError:
        """Read the position out of pyoxigraph's ``error at 3:2: expected ...`` messages."""
        match = _POSITION.search(message)
        if match is None:
            return cls(message)
        return cls(message, line=int(match.group(1)), column=int(match.group(2)))


class EntrySyntaxError(BadRequest):
    """An entry (RDF to validate or submit) the parser refused; ``line`` and ``column`` locate the error."""

    code = "entry_syntax"

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message, line=line, column=column)
        self.line = line
        self.column = column


class EntryRefused(BadRequest):
    """An entry refused before or while it is parsed for what it holds (a DTD, too deep, too many triples);
    ``limit`` names the rule or setting."""

    code = "entry_refused"


class Unauthorized(ClusterKGError):
    """A write without a bearer token."""

    code = "unauthorized"
    status = 401

    @property
    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="clusterkg"'}


class Forbidden(ClusterKGError):
    code = "forbidden"
    status = 403


class InvalidToken(Forbidden):
    code = "invalid_token"


class NotOwner(Forbidden):
    """A writer tried to delete a case another writer submitted."""

    code = "not_owner"


class WritesDisabled(Forbidden):
    """No write token is configured, so the service accepts no writes."""

    code = "writes_disabled"


class EntryRejected(ClusterKGError):
    """A submitted entry that does not conform; ``report`` carries the validation report."""

    code = "entry_invalid"
    status = 422


class UpdateForbidden(Forbidden):
    code = "update_forbidden"


class ServiceForbidden(Forbidden):
    code = "service_forbidden"


class NotFound(ClusterKGError):
    code = "not_found"
    status = 404


class MethodNotAllowed(ClusterKGError):
    """``allow`` lists the methods the path answers; it becomes the ``Allow`` header."""

    code = "method_not_allowed"
    status = 405

    def __init__(self, message: str, allow: str = "GET, POST") -> None:
        super().__init__(message)
        self.allow = allow

    @property
    def headers(self) -> dict[str, str]:
        return {"Allow": self.allow}


class NotAcceptable(ClusterKGError):
    code = "not_acceptable"
    status = 406


class RequestTimeout(ClusterKGError):
    """The request body did not arrive within ``CLUSTERKG_BODY_TIMEOUT``."""

    code = "request_timeout"
    status = 408


class PayloadTooLarge(ClusterKGError):
    code = "payload_too_large"
    status = 413


class UnsupportedMediaType(ClusterKGError):
    code = "unsupported_media_type"
    status = 415


class QueryTimeout(ClusterKGError):
    code = "query_timeout"
    status = 503


class QueryMemory(ClusterKGError):
    """The query needed more memory than a query worker may use (``CLUSTERKG_QUERY_MEMORY``)."""

    code = "query_memory"
    status = 503


class StoreUnavailable(ClusterKGError):
    code = "store_unavailable"
    status = 503


class StoreError(ClusterKGError):
    """The store failed while evaluating a well-formed query (for example a remote server's error)."""

    code = "store_error"
    status = 502


class RemoteMisconfigured(StoreError):
    """The remote SPARQL server is not set up as the service needs (its default graph is not the union)."""

    code = "remote_misconfigured"


class StoreLocked(ClusterKGError):
    code = "store_locked"
    status = 409


class BuildError(ClusterKGError):
    """A source file could not be parsed or loaded."""

    code = "build_error"
    status = 500


class QueryFailed(ClusterKGError):
    """A well-formed query failed while it was evaluated (for example an allowed SERVICE that is down)."""

    code = "query_failed"
    status = 500
