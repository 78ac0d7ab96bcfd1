"""A Redis cache that degrades to "always a miss" while Redis is unreachable.

The cache only ever holds what can be recomputed or done without (view de-duplication,
trending alerts' once-keys, DRF's throttle history), so an outage of Redis must not turn
into 500s on every page: each operation that fails to reach Redis logs a warning and
answers as if the key were absent. Consequences, accepted during an outage:

- `get` returns the default and `set` stores nothing, so cached values are recomputed;
- `add` returns True, as for an absent key: the caller goes ahead. allauth takes a lock
  with `cache.add` before its login rate limit, and a False there would refuse every
  sign-in with a 429. The price: a once-per-key action is not de-duplicated meanwhile
  (a thread view counts each time; a trending alert, if the worker runs at all without
  its broker, may repeat: "an alert, not a payment", support/trending_tasks.py);
- rate limits kept in the cache find no history. That leniency is wrong for the limits
  that stand between a password guesser and an account, so those run inside `strict()`:
  there an unreachable Redis raises `CacheUnavailable` instead of answering like a miss,
  and the caller refuses the request (503 with Retry-After) rather than allowing it. The
  sign-in lock-out (community.adapters) and the API's throttles (config.throttling) do
  this; the posting limits live in the database and hold either way.

After a failure, Redis is not tried again for `RETRY_AFTER_SECONDS`: a page makes several
cache calls and should pay for a dead or hanging server once, not once per call. Keep the
socket timeouts short (config/env.py sets them) for the same reason.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 5.0

T = TypeVar("T")

_strict: ContextVar[bool] = ContextVar("mutua_cache_strict", default=False)


class CacheUnavailable(Exception):
    """Redis could not be reached by a call made inside `strict()`."""

    retry_after = int(RETRY_AFTER_SECONDS)


@contextmanager
def strict() -> Iterator[None]:
    """Within this block an unreachable cache raises CacheUnavailable instead of missing.

    For checks that must fail closed: a rate limit that forgets its history lets an attacker
    through. Caches other than ResilientRedisCache (the local-memory one of the embedded
    mode) never fail and are unaffected.
    """
    token = _strict.set(True)
    try:
        yield
    finally:
        _strict.reset(token)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one `redis.Redis` per connection pool instead of one per call.

    Django builds a new `redis.Redis` for every cache operation, and building one fills its
    table of response callbacks: about 0.2 ms of CPU, several times per page, more than a
    visitor's whole cached page costs besides. A `redis.Redis` takes a connection from its
    pool for each command, so one instance serves every thread of the process.
    """

    def __init__(self, servers: list[str], **options: Any) -> None:
        super().__init__(servers, **options)
        self._clients: dict[int, Any] = {}

    # django-stubs leaves out the private helpers of RedisCacheClient used here.
    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[index] = client
        return client


@dataclass
class _Server:
    """What every cache object of the process for the same servers and options shares: the
    client with its connection pools, and whether Redis is being left alone after a failure."""

    client: ReusedClientRedisCacheClient
    lock: threading.Lock = field(default_factory=threading.Lock)
    down_until: float = 0.0


_servers: dict[str, _Server] = {}
_servers_lock = threading.Lock()


def _server(servers: list[str], options: dict[str, Any]) -> _Server:
    key = repr((servers, sorted(options.items())))
    with _servers_lock:
        found = _servers.get(key)
        if found is None:
            found = _servers[key] = _Server(ReusedClientRedisCacheClient(servers, **options))
        return found


class ResilientRedisCache(RedisCache):
    """django.core.cache.backends.redis.RedisCache that treats an unreachable Redis as a miss.

    Django makes a cache object per thread, and per request under the production server
    (config.web runs each request in its own copy of the context, where Django keeps its
    cache objects): each would open its own connection to Redis and forget a failure as
    soon as its request ended. So every cache object of the process for the same servers
    and options shares one client, with its pooled connections, and one pause after a
    failure (`_Server`).

    The async methods (aget, aset, ...) of BaseCache call these through sync_to_async, so
    they degrade the same way.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._server = _server(self._servers, self._options)  # type: ignore[attr-defined]

    @property
    def _cache(self) -> ReusedClientRedisCacheClient:
        return self._server.client

    @property
    def _down_until(self) -> float:
        return self._server.down_until

    @_down_until.setter
    def _down_until(self, value: float) -> None:
        self._server.down_until = value

    def _guarded(self, fallback: T, call: Callable[..., T], *args: Any) -> T:
        if time.monotonic() < self._down_until:
            if _strict.get():
                raise CacheUnavailable(f"cache unreachable, {call.__name__} refused")
            return fallback
        try:
            return call(*args)
        except UNREACHABLE as error:
            with self._server.lock:
                first = time.monotonic() >= self._down_until
                self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            if first:
                # One line per outage window, not one per call.
                logger.warning(
                    "cache unreachable (%s: %s) in %s; every call is a miss for %.0f s",
                    type(error).__name__,
                    error,
                    call.__name__,
                    RETRY_AFTER_SECONDS,
                )
            if _strict.get():
                raise CacheUnavailable(f"cache unreachable in {call.__name__}") from error
            return fallback

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guarded(default, super().get, key, default, version)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._guarded(None, super().set, key, value, timeout, version)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._guarded(True, super().add, key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guarded(False, super().touch, key, timeout, version)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(False, super().delete, key, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guarded(False, super().has_key, key, version)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        result: int | None = self._guarded(None, super().incr, key, delta, version)
        if result is None:
            # What incr does on a missing key, so callers' handling of a miss applies.
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return result

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return self._guarded({}, super().get_many, list(keys), version)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        # set_many returns the keys it failed to store: during an outage, all of them.
        return self._guarded(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        self._guarded(None, super().delete_many, list(keys), version)

    def clear(self) -> None:
        self._guarded(None, super().clear)
