"""Announcements on the thread and ask pages: the site-wide ones, and on a thread the board's
own, dismissable as on the home and board pages, from the cache (no query once it is kept)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.announcements import selectors, services
from community.announcements.models import Announcement
from community.models import Board, Member, Thread
from tests.builders import ask, board_make, logged_in

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
OUTAGE = "Mobile data is down in the North West"
BILLING = "Card payments are slow today"
ROAMING = "Roaming prices change next month"
OnCommit = Callable[..., Any]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: OnCommit) -> Callable[..., Any]:
    """Run a write as committed: the caches hear of it after commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def post(actor: Member, board: Board | None = None, **kwargs: Any) -> Announcement:
    kwargs.setdefault("title", OUTAGE)
    kwargs.setdefault("body", "Engineers are on it; we post updates here.")
    return services.announcement_create(actor=actor, board=board, **kwargs)


def banner(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    start = html.index('id="announcements"')
    # What follows the banner: the question, the ask form.
    ends = [
        html.find(mark, start) for mark in ('<article class="question"', '<section class="card')
    ]
    return html[start : min(end for end in ends if end != -1)]


@pytest.fixture
def scene(moderator: Member, asker: Member, committed: Callable[..., Any]) -> Any:
    billing, roaming = board_make(), board_make()
    thread = ask(author=asker, board=billing)
    with committed():
        site_wide = post(moderator)
        post(moderator, billing, title=BILLING)
        post(moderator, roaming, title=ROAMING)
    return billing, roaming, thread, site_wide


def test_a_thread_shows_the_site_wide_announcements_and_its_boards(
    scene: Any, helper: Member
) -> None:
    billing, _roaming, thread, site_wide = scene
    for client in (Client(), logged_in(helper)):
        shown = banner(client, thread.get_absolute_url())
        assert OUTAGE in shown
        assert BILLING in shown
        assert ROAMING not in shown
        assert site_wide.get_absolute_url() in shown
        assert f"?board={billing.slug}" in shown  # open pages fetch the same banner again
    shown = banner(logged_in(helper), thread.get_absolute_url())
    assert "Dismiss" in shown
    assert f'name="next" value="{thread.get_absolute_url()}"' in shown


def test_the_ask_page_shows_the_site_wide_announcements(scene: Any, helper: Member) -> None:
    shown = banner(logged_in(helper), "/ask/")
    assert OUTAGE in shown
    assert BILLING not in shown
    assert ROAMING not in shown
    assert 'name="next" value="/ask/"' in shown


def test_the_ask_page_for_a_board_shows_that_boards_announcements_too(
    scene: Any, helper: Member
) -> None:
    billing, roaming, _thread, _site_wide = scene
    client = logged_in(helper)
    shown = banner(client, f"/ask/?board={billing.slug}")
    assert OUTAGE in shown and BILLING in shown and ROAMING not in shown
    assert f"?board={billing.slug}" in shown  # open pages fetch the same banner again
    # The form sent back with an error shows the announcements of the board it names.
    response = client.post("/ask/", {"board": roaming.slug, "title": "", "body": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert ROAMING in html and BILLING not in html
    # A board that does not exist: the site-wide ones only, and no error of its own.
    shown = banner(client, "/ask/?board=no-such-board")
    assert OUTAGE in shown and BILLING not in shown and ROAMING not in shown


def test_a_dismissed_announcement_leaves_the_thread_and_ask_pages(
    scene: Any, helper: Member, committed: Callable[..., Any]
) -> None:
    _billing, _roaming, thread, site_wide = scene
    client = logged_in(helper)
    assert OUTAGE in banner(client, thread.get_absolute_url())  # the dismissals are cached

    with committed():
        response = client.post(
            f"/announcements/{site_wide.pk}/dismiss/", {"next": thread.get_absolute_url()}
        )
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()

    assert OUTAGE not in banner(client, thread.get_absolute_url())
    assert BILLING in banner(client, thread.get_absolute_url())
    assert OUTAGE not in banner(client, "/ask/")
    assert OUTAGE in banner(Client(), thread.get_absolute_url())  # for them only


def test_a_visitors_cached_thread_page_shows_a_new_announcement_at_once(
    moderator: Member, asker: Member, committed: Callable[..., Any]
) -> None:
    thread = ask(author=asker)
    visitor = Client()
    assert OUTAGE not in banner(visitor, thread.get_absolute_url())
    assert visitor.get(thread.get_absolute_url())["X-Page-Cache"] == "hit"

    with committed():
        announcement = post(moderator)
    assert OUTAGE in banner(visitor, thread.get_absolute_url())

    with committed():
        services.announcement_unpin(actor=moderator, announcement=announcement)
    assert OUTAGE not in banner(visitor, thread.get_absolute_url())


def test_an_announcement_leaves_the_thread_page_when_its_time_passes(
    moderator: Member, asker: Member, helper: Member, committed: Callable[..., Any]
) -> None:
    thread = ask(author=asker)
    with time_machine.travel(NOON, tick=False), committed():
        post(moderator, pinned_until=NOON + timedelta(hours=2))
    client = logged_in(helper)
    with time_machine.travel(NOON + timedelta(hours=2) - timedelta(seconds=1), tick=False):
        assert OUTAGE in banner(client, thread.get_absolute_url())
    # Nothing announces the time passing: the cached list is filtered when read.
    with time_machine.travel(NOON + timedelta(hours=2), tick=False):
        assert OUTAGE not in banner(client, thread.get_absolute_url())


def queries(client: Client, thread: Thread) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(thread.get_absolute_url()).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("viewer", ["visitor", "member"])
def test_announcements_cost_the_thread_page_no_query_once_cached(
    settings: Any,
    moderator: Member,
    asker: Member,
    helper: Member,
    committed: Callable[..., Any],
    viewer: str,
) -> None:
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 0  # what rendering costs, every time
    board = board_make()
    thread = ask(author=asker, board=board)
    client = Client() if viewer == "visitor" else logged_in(helper)
    client.get(thread.get_absolute_url())  # the first visit counts the view
    without = queries(client, thread)

    with committed():
        post(moderator)
        dismissed = post(moderator, board, title=BILLING)
        post(moderator, board, title=ROAMING)
        services.announcement_dismiss(member=helper, announcement=dismissed)
    # The first reader after a change reads the list (and a member their dismissals) once,
    # and the open known issues' titles, kept under the same version (the pages' banners).
    assert queries(client, thread) == without + (2 if viewer == "visitor" else 3)
    assert queries(client, thread) == without
    assert OUTAGE in banner(client, thread.get_absolute_url())
    assert (BILLING in banner(client, thread.get_absolute_url())) is (viewer == "visitor")


def test_nothing_pinned_costs_a_member_no_dismissals_query(helper: Member) -> None:
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        assert selectors.announcements_shown(viewer=helper) == []
    assert len(context.captured_queries) == 1  # the list, kept for everyone after
    with CaptureQueriesContext(connection) as context:
        assert selectors.announcements_shown(viewer=helper) == []
    assert len(context.captured_queries) == 0
