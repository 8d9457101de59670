"""The remote store's HTTP exchanges: SPARQL 1.1 Protocol queries and updates, Graph Store Protocol uploads.

Authentication is the one the server asks for: credentials are offered for every endpoint of the store,
and the standard library's handlers answer a ``401`` challenge with HTTP Basic or HTTP Digest, whichever
the ``WWW-Authenticate`` header names (Virtuoso's ``/sparql-auth`` asks for Digest, most others for Basic).
A failure is reported short: the operation, the graph it concerned and the first few hundred characters
of the server's own message, never the request that caused it (an update can hold megabytes of data).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..errors import QuerySyntaxError, QueryTimeout, StoreError, StoreUnavailable

MESSAGE_CHARS = 300  # of the server's message kept in an error
_TAGS = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^>]*)?/?>")  # markup, not <IRIs>
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Response:
    body: bytes
    headers: Mapping[str, str]


def server_message(body: bytes, limit: int = MESSAGE_CHARS) -> str:
    """The gist of an error page: markup and runs of white space removed, cut to ``limit`` characters.

    >>> server_message(b"<html><h1>Error</h1>\\n  <p>Virtuoso 37000 Error SP030</p></html>")
    'Error Virtuoso 37000 Error SP030'
    >>> len(server_message(b"x" * 1000))
    301
    """
    text = _SPACES.sub(" ", _TAGS.sub(" ", body.decode("utf-8", "replace"))).strip()
    return text if len(text) <= limit else text[:limit] + "…"


def failure(operation: str, graph: str | None, status: int | None, body: bytes) -> StoreError:
    """The error for a refused request: what was done, to which graph, and what the server said.

    >>> failure("update", "https://w3id.org/clusterkg/graph/data/tama", 500, b"SP031: bad").message
    'The SPARQL server answered 500 to the update of graph <https://w3id.org/clusterkg/graph/data/tama>: SP031: bad'
    """
    where = f" of graph <{graph}>" if graph else ""
    answered = f"answered {status}" if status is not None else "failed"
    message = server_message(body) or "(no message)"
    if status in (401, 403):
        message += " (the server wants credentials with the right to do this: --user and --password, or "
        message += "CLUSTERKG_SPARQL_USER and CLUSTERKG_SPARQL_PASSWORD)"
    return StoreError(
        f"The SPARQL server {answered} to the {operation}{where}: {message}",
        operation=operation,
        graph=graph,
        server_status=status,
    )


class _Digest(urllib.request.HTTPDigestAuthHandler):
    """Closes the challenge's response before answering it (the standard handler leaves its socket open)."""

    def http_error_401(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        fp.close()
        return super().http_error_401(req, fp, code, msg, headers)


class _Basic(urllib.request.HTTPBasicAuthHandler):
    def http_error_401(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        fp.close()
        return super().http_error_401(req, fp, code, msg, headers)


class Http:
    """HTTP to the endpoints of one SPARQL server, with its credentials when it asks for them."""

    def __init__(self, endpoints: list[str], user: str | None = None, password: str | None = None) -> None:
        handlers: list[urllib.request.BaseHandler] = []
        if user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, endpoints, user, password or "")
            handlers += [
                urllib.request.HTTPDigestAuthHandler(passwords),
                urllib.request.HTTPBasicAuthHandler(passwords),
            ]
        self.opener = urllib.request.build_opener(*handlers)
        self.endpoint = endpoints[0]

    def send(
        self,
        url: str,
        *,
        operation: str,
        graph: str | None = None,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        method: str | None = None,
        timeout: float = 30.0,
    ) -> Response:
        request = urllib.request.Request(url, data=data, headers=dict(headers or {}), method=method)  # noqa: S310
        refused: tuple[int, bytes] | None = None
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Response(response.read(), dict(response.headers.items()))
        except urllib.error.HTTPError as error:
            with error:
                refused = error.code, error.read() if error.fp is not None else b""
        except TimeoutError:
            raise QueryTimeout(f"The SPARQL server did not answer the {operation} within {timeout:g} s.") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StoreUnavailable(f"Cannot reach the SPARQL server at {self.endpoint}: {reason}") from None
        # Raised outside the handler, so the error keeps no reference to the HTTP exchange (nor its socket).
        raise _refused(operation, graph, *refused)

    def query(self, url: str, form: list[tuple[str, str]], accept: str, timeout: float) -> Response:
        """A SPARQL Protocol query, POSTed as a form (``query``, ``default-graph-uri``, ``named-graph-uri``)."""
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        return self.send(url, operation="query", data=urlencode(form).encode(), headers=headers, timeout=timeout)

    def update(self, url: str, text: str, *, operation: str, graph: str | None, timeout: float) -> None:
        """A SPARQL Protocol update, POSTed directly (``application/sparql-update``)."""
        headers = {"Content-Type": "application/sparql-update; charset=utf-8"}
        self.send(url, operation=operation, graph=graph, data=text.encode(), headers=headers, timeout=timeout)


def _refused(operation: str, graph: str | None, status: int, body: bytes) -> StoreError | QuerySyntaxError:
    if status == 400 and operation == "query":
        return QuerySyntaxError(f"The SPARQL server refused the query: {server_message(body)}")
    return failure(operation, graph, status, body)
