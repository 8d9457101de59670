"""A bounded LRU of answers, each stored with the data version it was computed from.

An entry is served only while the store's data version is the one it was computed at: any write bumps
the version, so the next request after a write misses and recomputes. A store that cannot tell its
version (``None``: a remote endpoint that may change behind the service's back) is never cached.

>>> cache = VersionedCache[bytes](entries=2, max_bytes=100)
>>> cache.put("q", 1, b"answer", 6)
>>> cache.get("q", 1), cache.get("q", 2), cache.get("q", 1)
(b'answer', None, None)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class VersionedCache(Generic[V]):
    """At most ``entries`` answers and ``max_bytes`` bytes (the sizes callers give); thread-safe."""

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[int, V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.entries > 0 and self.max_bytes > 0

    def get(self, key: Hashable, version: int | None) -> V | None:
        if version is None:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] != version:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key: Hashable, version: int | None, value: V, size: int) -> None:
        """Keep ``value`` (of ``size`` bytes) unless caching is off, the version unknown or it is too big."""
        if version is None or not self.enabled or size > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (version, value, size)
            self._bytes += size
            while len(self._items) > self.entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._items)))

    def _drop(self, key: Hashable) -> None:
        self._bytes -= self._items.pop(key)[2]

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size_bytes(self) -> int:
        return self._bytes
