"""The thread page's shared rows (community/threadpage.py) against a write in flight.

A reader who opens the page while an answer is being written, after the write replaced the
thread's version but before it committed, reads the rows as they were and stores them under
that version. The version is replaced again once the write commits, so those rows are never
served after it: real transactions on PostgreSQL, a reader in one thread and a writer in
another, the reader let in between the write and its commit.
"""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from community.models import Member
from tests.builders import answer, ask, board_make, logged_in
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
