"""A page view reads the versions of its scopes once (community/pagecache.versions_remembered):
a member's thread page asks for its thread's and the announcements' versions from its shared
rows, the announcements and the known issues, one cache call for them all, and a change made
while the view runs is still seen by the rest of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from community import pagecache
from tests.builders import answer, ask, board_make, logged_in, member_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _caches_on(settings: object) -> None:
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 60  # type: ignore[attr-defined]
    settings.COMMUNITY_SHARED_ROWS = True  # type: ignore[attr-defined]
    cache.clear()


def version_reads(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    reads: list[list[str]] = []
    real = cache.get_many

    def counting(keys: Any, *args: Any, **kwargs: Any) -> Any:
        keys = list(keys)
        if any(":v:" in key for key in keys):
            reads.append(keys)
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counting)
    return reads


def test_a_members_thread_page_reads_its_versions_in_one_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    thread = ask(member_make("asker"), board_make(), title="My phone will not charge at all")
    answer(member_make("helper"), thread, body="Try another cable first.")
    reader = logged_in(member_make("reader"))
    assert reader.get(thread.get_absolute_url()).status_code == 200
    reads = version_reads(monkeypatch)
    assert reader.get(thread.get_absolute_url()).status_code == 200
    assert len(reads) == 1
    assert {key.rsplit(":v:", 1)[1] for key in reads[0]} == {
        pagecache.thread_scope(thread.pk),
        pagecache.ANNOUNCEMENTS,
    }


def test_versions_are_remembered_only_within_the_block_and_a_bump_within_it_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scope = pagecache.thread_scope(7)
    reads = version_reads(monkeypatch)
    with pagecache.versions_remembered(scope, pagecache.LISTS):
        first = pagecache.scope_version(scope)
        assert pagecache.scope_version(pagecache.LISTS)
        assert len(reads) == 1
        pagecache.bump(scope)
        bumped = pagecache.scope_version(scope)
        assert bumped != first
        assert len(reads) == 1
    # Outside the block every call reads the cache again, and finds the bumped version.
    assert pagecache.scope_version(scope) == bumped
    assert len(reads) == 2
