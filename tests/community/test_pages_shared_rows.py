"""The rows every reader of a thread page shares (community/threadpage.py): the question and a
page of its public answers are read once per change of the thread and kept in the cache; each
reader's own marks (kudos given, follow, bookmark) are read for them alone.

Shared rows must never carry one reader's marks to another, never show a hidden answer or a
hidden question to someone not allowed to see it, and never outlive a change of the thread.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import pagecache, services, threadpage
from community.models import HiddenReason, Member, Thread
from gamification.models import RANKS
from tests.builders import answer, ask, board_make, logged_in, member_make
from tests.community.page_factories import answers_make, members_make, two_answer_scene

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _shared_rows_on(settings: object) -> None:
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 60  # type: ignore[attr-defined]
    # On with Redis only (config/settings.py); one process here, so the local cache will do.
    settings.COMMUNITY_SHARED_ROWS = True  # type: ignore[attr-defined]
    cache.clear()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The page numbers whose shared rows were read from the database, in order."""
    built: list[int] = []
    real = threadpage._shared

    def counting(thread_id: int, number: int, *args: int) -> threadpage.SharedPage | None:
        built.append(number)
        return real(thread_id, number, *args)

    monkeypatch.setattr(threadpage, "_shared", counting)
    return built


@pytest.fixture
def scene(asker: Member, helper: Member, moderator: Member, outsider: Member) -> SimpleNamespace:
    return two_answer_scene(asker=asker, helper=helper, moderator=moderator, outsider=outsider)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def kudos_pressed(html: str, post_id: int) -> bool:
    found = re.search(rf'id="post-{post_id}".*?</article>', html, re.S)
    assert found, f"answer {post_id} is not on the page"
    return 'class="kudos is-given" aria-pressed="true"' in found.group(0)


def question_footer(html: str) -> str:
    return html.split('<footer class="post-actions">')[1].split("</footer>")[0]


def test_readers_share_the_rows_but_each_sees_only_their_own_marks(
    scene: SimpleNamespace, builds: list[int]
) -> None:
    s = scene
    reader = members_make(1)[0]  # has not answered, so does not follow the question
    services.kudos_give(giver=s.helper, post=s.second)
    services.kudos_give(giver=s.helper, thread=s.thread)
    services.kudos_give(giver=reader, thread=s.thread)
    services.bookmark_create(member=reader, thread=s.thread)
    builds.clear()

    helper = page(logged_in(s.helper), s.url)  # follows the question they answered
    other = page(logged_in(reader), s.url)
    visitor = page(Client(), s.url)

    assert builds == [1]  # read once, shared by the three pages
    assert kudos_pressed(helper, s.second.pk) and not kudos_pressed(helper, s.first.pk)
    assert not kudos_pressed(other, s.second.pk)
    assert "Sign in to give kudos" in visitor and "is-given" not in visitor
    mine, theirs = question_footer(helper), question_footer(other)
    assert 'class="kudos is-given"' in mine and ">Following<" in mine and "☆" in mine
    assert 'class="kudos is-given"' in theirs and ">Follow<" in theirs and "★" in theirs


def test_a_process_keeps_the_rows_it_read_until_they_expire_and_marks_only_copies(
    scene: SimpleNamespace, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    s = scene
    reads: list[str] = []
    real_get = cache.get

    def counting_get(key: str, *args: Any, **kwargs: Any) -> object:
        if "thread-rows" in key:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counting_get)
    services.kudos_give(giver=s.helper, post=s.second)
    builds.clear()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        reader = logged_in(s.outsider)
        helper = page(logged_in(s.helper), s.url)
        other = page(reader, s.url)
        assert builds == [1] and len(reads) == 1  # the second reader read neither
        # Each reader marked copies: the helper's kudos did not reach the kept rows.
        assert kudos_pressed(helper, s.second.pk) and not kudos_pressed(other, s.second.pk)
        clock.shift(59)
        page(reader, s.url)
        assert builds == [1] and len(reads) == 1
        # Past COMMUNITY_PAGE_CACHE_SECONDS the rows are read again, as the cache's would be.
        cache.clear()
        clock.shift(2)
        page(reader, s.url)
        assert builds == [1, 1]
    pagecache.forget()
    page(reader, s.url)
    assert len(reads) == 3  # forgotten by the process: read from the cache again
    assert builds == [1, 1]


def test_a_change_of_the_thread_is_read_again_at_once(
    scene: SimpleNamespace, builds: list[int]
) -> None:
    s = scene
    reader = logged_in(s.outsider)
    page(reader, s.url)

    services.solution_accept(thread=s.thread, post=s.second, actor=s.asker)
    after = page(reader, s.url)
    services.post_update(post=s.first, editor=s.helper, body="Restart twice, then retry.")
    edited = page(reader, s.url)

    assert builds == [1, 1, 1]
    assert after.index(f'id="post-{s.second.pk}"') < after.index(f'id="post-{s.first.pk}"')
    assert "Restart twice, then retry." in edited


def test_hidden_answers_reach_only_their_author_and_staff(
    scene: SimpleNamespace, builds: list[int]
) -> None:
    s = scene
    services.content_hide(post=s.second, reason=HiddenReason.MODERATOR, actor_id=s.moderator.pk)
    builds.clear()

    for who in (s.helper, s.asker):
        html = page(logged_in(who), s.url)
        assert "Ask the shop for a new QR code." not in html
    assert "Ask the shop for a new QR code." not in page(Client(), s.url)
    own = page(logged_in(s.outsider), s.url)
    staff = page(logged_in(s.moderator), s.url)

    assert builds == [1]  # the author and staff take the full path, not the shared rows
    for html in (own, staff):
        assert "Ask the shop for a new QR code." in html
        assert "Only you and the staff can see this answer." in html


def test_a_hidden_question_stays_hidden_whoever_read_it_first(scene: SimpleNamespace) -> None:
    s = scene
    services.content_hide(thread=s.thread, reason=HiddenReason.MODERATOR, actor_id=s.moderator.pk)
    assert "My eSIM will not activate" in page(logged_in(s.asker), s.url)  # the rows are kept

    assert logged_in(s.helper).get(s.url).status_code == 404
    assert Client().get(s.url).status_code == 404
    assert logged_in(s.moderator).get(s.url).status_code == 200


def test_each_page_of_a_long_thread_has_its_rows_and_past_the_end_shows_the_last(
    asker: Member, helper: Member, builds: list[int]
) -> None:
    thread = ask(asker, board_make())
    answers_make(thread=thread, authors=members_make(5), count=75)
    reader = logged_in(helper)
    url = thread.get_absolute_url()
    builds.clear()

    pages = [page(reader, f"{url}?page={n}") for n in (1, 2, 3, 1)]
    past = page(reader, f"{url}?page=9")

    assert builds == [1, 2, 3, 9]  # page 9 has no rows: the full path shows the last page
    shown = [re.findall(r'<article class="post[^"]*" id="post-(\d+)"', html) for html in pages]
    assert [len(ids) for ids in shown] == [30, 30, 15, 30]
    assert shown[0] == shown[3] and not set(shown[0]) & set(shown[1])
    assert re.findall(r'<article class="post[^"]*" id="post-(\d+)"', past) == shown[2]
    assert "75 answers" in pages[0] and "75 answers" in past


def test_a_member_reads_a_kept_page_in_a_fixed_number_of_queries(
    asker: Member, helper: Member
) -> None:
    small, big = ask(asker, board_make()), ask(asker, board_make())
    crowd = members_make(20)
    answers_make(thread=small, authors=crowd, count=20, kudos_from=helper)
    answers_make(thread=big, authors=crowd, count=200, kudos_from=helper)
    reader = logged_in(helper)
    counts = []
    for thread in (small, big):
        page(reader, thread.get_absolute_url())  # counts the view, keeps the rows
        with CaptureQueriesContext(connection) as captured:
            page(reader, thread.get_absolute_url())
        counts.append(len(captured))

    # The session (not with Redis, which keeps it), the member (bringing the bell's count,
    # that they have no group or permission of their own, their points and rank), their
    # marks. The ranks are kept (gamification/ladder.py).
    assert counts[0] == counts[1] <= 3
    assert Thread.objects.get(pk=big.pk).answer_count == 200


def test_without_a_cache_every_process_shares_each_page_reads_its_rows(
    settings: object, scene: SimpleNamespace, builds: list[int]
) -> None:
    settings.COMMUNITY_SHARED_ROWS = False  # type: ignore[attr-defined]

    html = page(logged_in(scene.helper), scene.url)

    assert builds == [] and "Ask the shop for a new QR code." in html


# A page view reads the versions of its scopes once (pagecache.versions_remembered): a member's
# thread page asks for its thread's and the announcements' versions from its shared rows, the
# announcements and the known issues, and the rank ladder's, one cache call for them all.


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
        RANKS,  # every member's page reads the rank ladder's (gamification/ladder.py)
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
