"""What a process keeps for itself between requests, bounded.

A page's parts that every reader shares are read from the cache (Redis) once per process and
then kept here, so most readers are served without a cache read or an unpickling: the thread
pages' rows (community/threadpage.py) and the answers' shared HTML (community/answercache.py).
When full, the oldest kept goes first. What is kept is never marked by a reader (they get
copies) and is kept under a key that changes with what it shows, so it is never out of date.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """At most `size` values by key, the oldest dropped first; safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: dict[str, V] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        return self._values.get(key)

    def put(self, key: str, value: V) -> None:
        with self._lock:
            while len(self._values) >= self.size:
                self._values.pop(next(iter(self._values)))  # the oldest kept
            self._values[key] = value

    def drop(self, key: str) -> None:
        with self._lock:
            self._values.pop(key, None)

    def forget(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
