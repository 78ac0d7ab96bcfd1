"""Bookmarks: a member saves questions to come back to; nobody else sees them, and a
question that is hidden or held never leaks through them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community import selectors, services
from community.models import Bookmark, HiddenReason, Member
from tests.builders import answer, api_client, ask, board_make, logged_in, member_make
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


# --- services and selectors -------------------------------------------------------------------


def test_bookmarking_twice_keeps_one_bookmark_and_says_it_was_there(
    asker: Member, helper: Member
) -> None:
    thread = ask(asker)

    assert services.bookmark_create(member=helper, thread=thread) is True
    assert services.bookmark_create(member=helper, thread=thread) is False
    assert Bookmark.objects.filter(member=helper, thread=thread).count() == 1

    assert services.bookmark_delete(member=helper, thread=thread) is True
    assert services.bookmark_delete(member=helper, thread=thread) is False
    assert not Bookmark.objects.exists()


def test_the_list_is_the_members_own_newest_bookmark_first(
    asker: Member, helper: Member, outsider: Member
) -> None:
    old, new, others = ask(asker), ask(asker), ask(asker)
    services.bookmark_create(member=helper, thread=new)
    services.bookmark_create(member=helper, thread=old)
    services.bookmark_create(member=outsider, thread=others)
    # The newer question was bookmarked first: the list follows the bookmarks, not the threads.
    Bookmark.objects.filter(thread=new).update(created_at=timezone.now() - timedelta(days=1))

    listed = list(selectors.bookmark_list(member=helper))

    assert listed == [old, new]
    assert listed[0].bookmarked_at > listed[1].bookmarked_at  # type: ignore[attr-defined]


def test_a_hidden_question_leaves_the_list_for_the_bookmarker_and_comes_back_restored(
    asker: Member, helper: Member, moderator: Member
) -> None:
    thread = ask(asker)
    for member in (helper, asker, moderator):
        services.bookmark_create(member=member, thread=thread)

    services.content_hide(thread=thread, reason=HiddenReason.MODERATOR, actor_id=moderator.pk)

    assert list(selectors.bookmark_list(member=helper)) == []
    # Its author and the staff still see it, as they see its page.
    assert list(selectors.bookmark_list(member=asker)) == [thread]
    assert list(selectors.bookmark_list(member=moderator)) == [thread]

    services.content_restore(thread=thread, actor_id=moderator.pk)

    assert list(selectors.bookmark_list(member=helper)) == [thread]


def test_a_question_held_for_personal_data_cannot_be_bookmarked_by_others(
    asker: Member, helper: Member
) -> None:
    thread = ask(asker, body="Please call me back on +44 7700 900123 about my contract.")
    thread.refresh_from_db()
    assert thread.is_hidden

    with pytest.raises(Http404):
        selectors.thread_get_for_viewer(thread_id=thread.pk, viewer=helper)
    response = api_client(helper).post(f"/api/v1/threads/{thread.pk}/bookmark/")

    assert response.status_code == 404
    assert not Bookmark.objects.exists()


def test_the_list_costs_the_same_queries_for_2_or_20_bookmarks(helper: Member) -> None:
    board = board_make()
    authors = [member_make() for _ in range(4)]
    threads = [ask(authors[i % 4], board, tags=()) for i in range(20)]
    for thread in threads[:2]:
        services.bookmark_create(member=helper, thread=thread)
    counts = []
    for _size in (2, 20):
        member = Member.objects.get(pk=helper.pk)  # permissions not cached yet, each time
        with CaptureQueriesContext(connection) as context:
            rows = list(selectors.bookmark_list(member=member))
            for row in rows:
                _ = (row.author.role_label, row.board.name, [t.slug for t in row.tags.all()])
        counts.append(len(context.captured_queries))
        for thread in threads[2:]:
            services.bookmark_create(member=helper, thread=thread)

    assert counts[0] == counts[1]


def test_deleting_the_account_removes_its_bookmarks(asker: Member, helper: Member) -> None:
    services.bookmark_create(member=helper, thread=ask(asker))

    services.member_delete(member=helper, actor=helper, password=PASSWORD)

    assert not Bookmark.objects.filter(member=helper).exists()


def test_the_personal_data_export_lists_the_bookmarks(asker: Member, helper: Member) -> None:
    thread = ask(asker)
    services.bookmark_create(member=helper, thread=thread)

    data = selectors.member_data_export(member=helper)

    assert [b["thread_id"] for b in data["bookmarks"]] == [thread.pk]


# --- API --------------------------------------------------------------------------------------


def test_the_api_bookmarks_with_201_then_200_and_removes_with_204(
    asker: Member, helper: Member
) -> None:
    thread = ask(asker)
    client = api_client(helper)
    url = f"/api/v1/threads/{thread.pk}/bookmark/"

    first, again = client.post(url), client.post(url)

    assert (first.status_code, first.json()) == (201, {"bookmarked": True})
    assert (again.status_code, again.json()) == (200, {"bookmarked": True})
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 204  # nothing left: still done
    assert not Bookmark.objects.exists()


def test_the_api_refuses_visitors_and_unknown_threads(asker: Member, helper: Member) -> None:
    thread = ask(asker)

    assert api_client().post(f"/api/v1/threads/{thread.pk}/bookmark/").status_code == 401
    assert api_client().get("/api/v1/members/me/bookmarks/").status_code == 401
    assert api_client(helper).post("/api/v1/threads/424242/bookmark/").status_code == 404


def test_the_api_lists_my_bookmarks_newest_first_without_hidden_ones(
    asker: Member, helper: Member, moderator: Member
) -> None:
    first, second, hidden = ask(asker), ask(asker), ask(asker)
    client = api_client(helper)
    for thread in (first, second, hidden):
        client.post(f"/api/v1/threads/{thread.pk}/bookmark/")
    Bookmark.objects.filter(thread=first).update(created_at=timezone.now() - timedelta(hours=2))
    Bookmark.objects.filter(thread=second).update(created_at=timezone.now() - timedelta(hours=1))
    services.content_hide(thread=hidden, reason=HiddenReason.MODERATOR, actor_id=moderator.pk)

    body = client.get("/api/v1/members/me/bookmarks/").json()

    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    assert body["results"][0]["url"] == second.get_absolute_url()
    assert body["results"][0]["bookmarked_at"]
    assert body["next"] is None
    assert api_client(asker).get("/api/v1/members/me/bookmarks/").json()["results"] == []


# --- pages ------------------------------------------------------------------------------------


def test_the_thread_page_shows_the_toggle_to_members_only(asker: Member, helper: Member) -> None:
    thread = ask(asker)
    url = thread.get_absolute_url()

    assert "bookmark-toggle" not in Client().get(url).content.decode()
    html = logged_in(helper).get(url).content.decode()
    assert 'class="button button-quiet button-small bookmark-toggle" aria-pressed="false"' in html

    services.bookmark_create(member=helper, thread=thread)
    html = logged_in(helper).get(url).content.decode()
    assert 'bookmark-toggle" aria-pressed="true"' in html


def test_the_toggle_answers_htmx_with_the_new_button(asker: Member, helper: Member) -> None:
    thread = ask(asker)
    client = logged_in(helper)
    url = f"/threads/{thread.pk}/bookmark/"

    added = client.post(url, {"action": "add"}, headers=HTMX)
    assert added.status_code == 200
    assert 'aria-pressed="true"' in added.content.decode()
    assert 'name="action" value="remove"' in added.content.decode()
    assert Bookmark.objects.filter(member=helper, thread=thread).exists()

    removed = client.post(url, {"action": "remove"}, headers=HTMX)
    assert 'aria-pressed="false"' in removed.content.decode()
    assert not Bookmark.objects.exists()


def test_without_javascript_the_toggle_goes_back_to_a_local_page_only(
    asker: Member, helper: Member
) -> None:
    thread = ask(asker)
    client = logged_in(helper)
    url = f"/threads/{thread.pk}/bookmark/"

    assert client.post(url)["Location"] == thread.get_absolute_url()
    assert (
        client.post(url, {"action": "remove", "next": "/bookmarks/"})["Location"] == "/bookmarks/"
    )
    assert (
        client.post(url, {"next": "https://evil.example/"})["Location"] == thread.get_absolute_url()
    )


def test_the_bookmarks_page_lists_mine_and_is_linked_from_the_menu(
    asker: Member, helper: Member, outsider: Member
) -> None:
    mine = ask(asker, title="My eSIM will not activate")
    theirs = ask(asker, title="Roaming charges in Spain")
    answer(helper, mine)
    services.bookmark_create(member=helper, thread=mine)
    services.bookmark_create(member=outsider, thread=theirs)

    response = logged_in(helper).get("/bookmarks/")
    html = response.content.decode()

    assert response.status_code == 200
    assert 'href="/bookmarks/"' in html  # the member's menu
    assert "My eSIM will not activate" in html
    assert "Roaming charges in Spain" not in html
    assert 'name="next" value="/bookmarks/"' in html
    assert Client().get("/bookmarks/").status_code == 302  # sign in first


def test_an_empty_bookmarks_page_says_how_to_add_one(helper: Member) -> None:
    html = logged_in(helper).get("/bookmarks/").content.decode()

    assert "No bookmarks yet." in html


def test_the_demo_members_have_bookmarks_once(db: None) -> None:
    call_command("seed_demo", "--no-progress", stdout=None)
    count = Bookmark.objects.count()
    call_command("seed_demo", "--no-progress", stdout=None)

    assert count >= 5
    assert Bookmark.objects.count() == count
    chiara = Member.objects.get(username="chiara")
    assert len(selectors.bookmark_list(member=chiara)) == 3
