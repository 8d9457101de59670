"""Whether a URL is on an allow-list (``CLUSTERKG_SERVICE_ALLOWLIST``, ``CLUSTERKG_IMPORT_ALLOWLIST``).

An entry names a scheme, a host, a port and a path prefix; a URL is allowed when it has the same
scheme, the same host (compared as a host, not as text), the same port and a path under the entry's
path. A URL that hides its host (user information, backslashes, an empty or unparsable host), that is
not http(s), or whose path climbs with dot segments is never allowed, whatever the list says.

>>> allow = ["https://query.wikidata.org/sparql"]
>>> is_allowed("https://query.wikidata.org/sparql", allow), is_allowed("https://QUERY.wikidata.org/sparql?x=1", allow)
(True, True)
>>> is_allowed("https://query.wikidata.org.evil.example/sparql", allow)
False
>>> is_allowed("https://query.wikidata.org@127.0.0.1/sparql", allow)
False
>>> is_allowed("https://query.wikidata.org/sparql/../admin", allow), is_allowed("https://query.wikidata.org/sparqlx", allow)
(False, False)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

SCHEMES = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Place:
    """Where a URL points: scheme, host (lower case; an IP address in its canonical form), port, path."""

    scheme: str
    host: str
    port: int
    path: str

    def contains(self, other: Place) -> bool:
        if (self.scheme, self.host, self.port) != (other.scheme, other.host, other.port):
            return False
        if self.path in ("", "/") or self.path == other.path:
            return True
        prefix = self.path if self.path.endswith("/") else self.path + "/"
        return other.path.startswith(prefix)


def place_of(url: str) -> Place | None:
    """The place a URL points to, or ``None`` when it is not a plain http(s) URL of a host."""
    if "\\" in url or any(ord(char) <= 0x20 for char in url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES or "@" in parts.netloc or not parts.hostname:
        return None
    path = unquote(parts.path)
    if any(segment in (".", "..") for segment in path.split("/")):
        return None
    return Place(scheme, canonical_host(parts.hostname), port or SCHEMES[scheme], path)


def canonical_host(host: str) -> str:
    """``127.0.0.1`` and ``[::1]`` in their canonical form, names in lower case without a final dot."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return host.lower().rstrip(".")


def is_allowed(url: str, allowlist: Sequence[str]) -> bool:
    """Whether ``url`` points under an entry of ``allowlist`` (see the module's rules)."""
    target = place_of(url)
    if target is None:
        return False
    return any(entry is not None and entry.contains(target) for entry in map(place_of, allowlist))
