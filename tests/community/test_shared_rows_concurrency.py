"""The thread page's shared rows (community/threadpage.py) under concurrent requests.

Readers at once: one process keeps the rows it read and its request threads serve them to
many readers at the same instant, each marking copies; no reader may see another's kudos.

A write in flight: a reader who opens the page while an answer is being written, after the
write replaced the thread's version but before it committed, reads the rows as they were and
stores them under that version. The version is replaced again once the write commits, so
those rows are never served after it.

Real transactions on PostgreSQL, each reader or writer in its own thread.
"""

from __future__ import annotations

import re
import threading
from functools import partial

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from community import services
from community.models import Member
from tests.builders import answer, ask, board_make, logged_in
from tests.community.page_factories import members_make
from tests.concurrency import requires_postgresql, run_at_once, transactional

pytestmark = [requires_postgresql, transactional]

REPLY = "Restart the phone twice, then ask for a new QR code."


@pytest.fixture(autouse=True)
def _shared_rows_on(settings: object) -> None:
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 60  # type: ignore[attr-defined]
    settings.COMMUNITY_SHARED_ROWS = True  # type: ignore[attr-defined]
    cache.clear()


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_rows_read_while_an_answer_was_being_written_are_not_served_after_its_commit(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="My eSIM will not activate")
    url = thread.get_absolute_url()
    assert REPLY not in page(logged_in(outsider), url)  # the rows are kept
    written, read = threading.Event(), threading.Event()

    def write() -> str:
        with transaction.atomic():
            answer(helper, thread, body=REPLY)
            written.set()
            assert read.wait(30), "the reader never read"
        return "written"

    def read_between() -> str:
        assert written.wait(30), "the writer never wrote"
        try:
            return page(logged_in(outsider), url)
        finally:
            read.set()

    results, errors = run_at_once([write, read_between])

    assert errors == []
    during = next(r for r in results if r != "written")
    assert REPLY not in during  # not committed yet: nobody else sees it
    assert REPLY in page(logged_in(outsider), url)


def marks(html: str) -> set[str]:
    """The ids of the answers whose kudos button shows as given; "kudos", "following" and
    "bookmarked" for the question's buttons."""
    given = set()
    for found in re.finditer(r'<article[^>]*id="post-(\d+)".*?</article>', html, re.S):
        if 'class="kudos is-given"' in found.group(0):
            given.add(found.group(1))
    footer = html.split('<footer class="post-actions">')[1].split("</footer>")[0]
    for mark, shown in (
        ("kudos", 'class="kudos is-given"'),
        ("following", ">Following<"),
        ("bookmarked", "★"),
    ):
        if shown in footer:
            given.add(mark)
    return given


def test_readers_at_once_each_see_only_their_own_marks_on_the_kept_rows(
    asker: Member, helper: Member
) -> None:
    thread = ask(asker, board_make(), title="No signal since this morning")
    url = thread.get_absolute_url()
    readers = members_make(8, prefix="reader")
    posts = [answer(helper, thread, body=f"Try step {i}.") for i in range(len(readers))]
    expected = {}
    for i, (reader, post) in enumerate(zip(readers, posts, strict=True)):
        services.kudos_give(giver=reader, post=post)
        expected[reader.username] = {str(post.pk)}
        if i % 2:
            services.kudos_give(giver=reader, thread=thread)
            expected[reader.username].add("kudos")
        if i % 3 == 0:
            services.bookmark_create(member=reader, thread=thread)
            expected[reader.username].add("bookmarked")
        if i % 4 == 0:
            services.subscription_create(member=reader, thread=thread)
            expected[reader.username].add("following")
    clients = {reader.username: logged_in(reader) for reader in readers}
    page(logged_in(asker), url)  # the rows are read and kept by this process

    def read_as(username: str) -> list[tuple[str, set[str]]]:
        return [(username, marks(page(clients[username], url))) for _ in range(4)]

    results, errors = run_at_once([partial(read_as, username) for username in clients])

    assert errors == []
    seen = [pair for result in results for pair in result]
    assert len(seen) == 4 * len(readers)
    for username, given in seen:
        assert given == expected[username], username
