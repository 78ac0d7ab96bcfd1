"""The Redis cache keeps one client per connection pool, shared by the process's threads and
by every cache object made for the same servers and options."""

from __future__ import annotations

import os
import threading
import uuid

import pytest

from config.cache import ResilientRedisCache


def _cache(url: str) -> ResilientRedisCache:
    return ResilientRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 0.5}})


def test_every_call_goes_through_the_same_client_of_the_pool() -> None:
    cache = _cache("redis://127.0.0.1:1/0")
    client = cache._cache.get_client()

    assert cache._cache.get_client("a key") is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool for both
    assert client.connection_pool.connection_kwargs["port"] == 1


def test_cache_objects_for_the_same_server_share_its_client_and_its_pause() -> None:
    # Django makes one per thread, and one per request under the production server.
    first, second = _cache("redis://127.0.0.1:3/0"), _cache("redis://127.0.0.1:3/0")
    other = ResilientRedisCache("redis://127.0.0.1:3/0", {"OPTIONS": {"socket_timeout": 9}})

    assert second._cache is first._cache
    assert other._cache is not first._cache
    first._down_until = 12345.0
    assert second._down_until == 12345.0
    assert other._down_until != 12345.0
    first._down_until = 0.0


def test_with_a_replica_reads_and_writes_keep_their_own_client() -> None:
    cache = _cache("redis://127.0.0.1:1/0,redis://127.0.0.1:2/0")

    writer = cache._cache.get_client(write=True)

    assert cache._cache.get_client(write=True) is writer
    assert cache._cache.get_client(write=False) is not writer
    assert writer.connection_pool.connection_kwargs["port"] == 1


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a running Redis (REDIS_URL)")
def test_threads_sharing_the_client_each_read_what_they_wrote() -> None:
    cache = _cache(os.environ["REDIS_URL"])
    prefix = uuid.uuid4().hex
    start = threading.Barrier(16)
    wrong: list[str] = []

    def worker(n: int) -> None:
        start.wait()
        for i in range(50):
            key = f"{prefix}:{n}:{i}"
            cache.set(key, (n, i), 30)
            if cache.get(key) != (n, i):
                wrong.append(key)
            cache.delete(key)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert wrong == []
