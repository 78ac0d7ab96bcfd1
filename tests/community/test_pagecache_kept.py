"""What a process keeps of the cache (community/pagecache.py: stored, store, shared): read
from the cache once per process, never served past the moment it was stored to expire, and
never kept under a key whose content can change without the key changing.
"""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from community import pagecache
from community.models import Member
from tests.builders import ask, board_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys read from the cache, in order."""
    read: list[str] = []
    real_get = cache.get

    def counting_get(key: str, *args: Any, **kwargs: Any) -> object:
        read.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    return read


def test_a_value_is_read_from_the_cache_once_per_process_and_expires_when_stored_to(
    reads: list[str],
) -> None:
    key = pagecache.cache_key("test-value", pagecache.scope_version(pagecache.LISTS))
    computed: list[int] = []

    def compute() -> list[int]:
        computed.append(1)
        return [len(computed)]

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert pagecache.shared(key, 60, compute) == [1]
        pagecache.forget()  # another process: reads it from the cache, once
        clock.shift(50)
        assert pagecache.shared(key, 60, compute) == [1]
        assert pagecache.shared(key, 60, compute) == [1]
        assert reads.count(key) == 2 and len(computed) == 1
        # Stored to expire 60 s after it was computed: the copy kept at 50 s expires then
        # too, not 60 s after it was read.
        clock.shift(11)
        assert pagecache.shared(key, 60, compute) == [2]
        assert len(computed) == 2


def test_none_is_never_stored_and_an_older_releases_value_is_not_served() -> None:
    key = pagecache.cache_key("test-none", pagecache.scope_version(pagecache.LISTS))
    assert pagecache.shared(key, 60, lambda: None) is None
    assert pagecache.stored(key) is None
    cache.set(key, ["stored without its expiry"], 60)
    assert pagecache.stored(key) is None
    assert pagecache.shared(key, 60, lambda: ["computed"]) == ["computed"]


def test_a_visitors_page_is_read_from_the_cache_once_per_process(
    reads: list[str], asker: Member
) -> None:
    thread = ask(asker, board_make(), title="Calls drop after ten seconds")
    url = thread.get_absolute_url()
    visitor = Client()

    def page_reads() -> int:
        return sum(url in key for key in reads)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert visitor.get(url).get("X-Page-Cache") is None
        assert page_reads() == 1  # a miss: rendered and stored
        assert Client().get(url)["X-Page-Cache"] == "hit"
        assert page_reads() == 1  # kept by this process: the cache was not read
        pagecache.forget()
        assert Client().get(url)["X-Page-Cache"] == "hit"
        assert page_reads() == 2  # another process reads it from the cache
        # A change is served at once: the thread's version changed, and with it the key.
        pagecache.thread_changed(thread.pk)
        assert Client().get(url).get("X-Page-Cache") is None
        # Past COMMUNITY_PAGE_CACHE_SECONDS the kept page is not served either.
        assert Client().get(url)["X-Page-Cache"] == "hit"
        clock.shift(pagecache.page_seconds() + 1)
        assert Client().get(url).get("X-Page-Cache") is None
