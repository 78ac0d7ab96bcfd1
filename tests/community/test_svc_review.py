"""New members' first posts wait for a moderator: held, unannounced and uncounted until
approved (community.services.review; the moderators' side is tests/support/
test_moderation_review.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import Client
from time_machine import TimeMachineFixture

from community import selectors, services
from community.errors import Conflict
from community.models import Board, HiddenReason, Member, Post, Thread
from community.services.content import render
from gamification.models import LedgerEntry
from notifications import realtime
from notifications.models import Kind, Notification
from tests.builders import answer, api_client, ask, board_make, member_make, new_member_make

pytestmark = [pytest.mark.django_db, pytest.mark.new_member_review]


@pytest.fixture
def veteran() -> Member:
    return member_make("veteran")


@pytest.fixture
def thread(veteran: Member) -> Thread:
    return ask(veteran, board_make(), title="Roaming charges in Norway")


@pytest.fixture
def pushes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    sent: list[tuple[str, dict[str, Any]]] = []

    def send_now(group: str, message: dict[str, Any]) -> bool:
        sent.append((group, message))
        return True

    monkeypatch.setattr(realtime, "send_now", send_now)
    return sent


def test_a_new_members_first_question_waits_unseen_by_everyone_but_its_author_and_staff(
    veteran: Member, moderator: Member, client: Client
) -> None:
    newcomer = new_member_make("newcomer")
    board = board_make()
    board_activity = board.last_activity_at

    thread = ask(newcomer, board, title="My eSIM stopped working in Norway")

    assert thread.hidden_reason == HiddenReason.PENDING_REVIEW
    assert not selectors.thread_list().exists()
    assert selectors.search(query="Norway") == []
    for viewer in (veteran, AnonymousUser()):
        with pytest.raises(Http404):
            selectors.thread_get_for_viewer(thread_id=thread.pk, viewer=viewer)
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert selectors.thread_get_for_viewer(thread_id=thread.pk, viewer=newcomer) == thread
    assert selectors.thread_get_for_viewer(thread_id=thread.pk, viewer=moderator) == thread
    board.refresh_from_db()
    assert board.last_activity_at == board_activity
    # Not announced: no points for asking.
    assert not LedgerEntry.objects.filter(member=newcomer).exists()


def test_a_held_answer_is_not_counted_notified_pushed_or_paid(
    thread: Thread,
    veteran: Member,
    pushes: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    follower = member_make("follower")
    services.subscription_create(member=follower, thread=thread)
    newcomer = new_member_make("newcomer")

    with django_capture_on_commit_callbacks(execute=True):
        post = answer(newcomer, thread, body="Turn data roaming on in the eSIM's own settings.")

    assert post.hidden_reason == HiddenReason.PENDING_REVIEW
    assert thread.answer_count == 0
    assert Board.objects.get(pk=thread.board_id).answer_count == 0
    assert thread.first_answer_at is None
    assert not Notification.objects.filter(recipient__in=[veteran, follower]).exists()
    assert not LedgerEntry.objects.filter(member=newcomer).exists()
    assert pushes == []
    assert list(selectors.thread_answers(thread=thread, viewer=veteran)) == []
    assert list(selectors.thread_answers(thread=thread, viewer=newcomer)) == [post]
    assert selectors.member_answers(member=newcomer).count() == 0
    assert list(selectors.member_answers(member=newcomer, with_own_pending=True)) == [post]


def test_approving_an_answer_counts_it_tells_the_asker_and_followers_and_pushes_it_live(
    thread: Thread,
    veteran: Member,
    pushes: list[tuple[str, dict[str, Any]]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    follower = member_make("follower")
    services.subscription_create(member=follower, thread=thread)
    newcomer = new_member_make("newcomer")
    post = answer(newcomer, thread)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.content_approve(post=post)

    thread.refresh_from_db()
    assert Post.objects.get(pk=post.pk).hidden_reason == ""
    assert thread.answer_count == 1
    assert thread.first_answer_at is not None
    assert Board.objects.get(pk=thread.board_id).answer_count == 1
    assert Notification.objects.get(recipient=veteran).kind == Kind.ANSWER
    assert Notification.objects.get(recipient=follower).kind == Kind.REPLY
    assert LedgerEntry.objects.filter(member=newcomer, source=f"post:{post.pk}").exists()
    live = [m for g, m in pushes if g == realtime.thread_group(thread.pk)]
    assert {"type": "post.created", "post_id": post.pk, "answer_count": 1} in [
        m["event"] for m in live
    ]
    assert all("audience" not in m for m in live)
    # Twice is a no-op.
    assert not services.content_approve(post=post)
    thread.refresh_from_db()
    assert thread.answer_count == 1


def test_approving_a_question_makes_it_public_and_pays_for_it(veteran: Member) -> None:
    newcomer = new_member_make("newcomer")
    thread = ask(newcomer, title="My eSIM stopped working in Norway")

    assert services.content_approve(thread=thread)

    assert selectors.thread_get_for_viewer(thread_id=thread.pk, viewer=veteran) == thread
    assert list(selectors.thread_list()) == [thread]
    assert LedgerEntry.objects.filter(member=newcomer, source=f"thread:{thread.pk}").exists()


def test_once_enough_posts_are_approved_the_next_ones_go_straight_out(
    thread: Thread, settings: Any
) -> None:
    settings.NEW_MEMBER_REVIEW_POSTS = 2
    newcomer = new_member_make("newcomer")
    first, second = answer(newcomer, thread), answer(newcomer, thread)
    # Held while fewer than two are approved, however many wait.
    assert first.is_hidden and second.is_hidden
    services.content_approve(post=first)
    assert answer(newcomer, thread).hidden_reason == HiddenReason.PENDING_REVIEW
    services.content_approve(post=second)

    assert answer(newcomer, thread).hidden_reason == ""


def test_a_rejected_post_does_not_count_as_approved(thread: Thread) -> None:
    newcomer = new_member_make("newcomer")
    first = answer(newcomer, thread)

    assert services.content_reject(post=first, actor_id=None)

    first.refresh_from_db()
    assert first.hidden_reason == HiddenReason.REJECTED
    assert answer(newcomer, thread).hidden_reason == HiddenReason.PENDING_REVIEW
    thread.refresh_from_db()
    assert thread.answer_count == 0


def test_older_accounts_staff_and_a_review_count_of_zero_are_never_held(
    thread: Thread, moderator: Member, agent: Member, settings: Any
) -> None:
    assert answer(member_make("old-timer"), thread).hidden_reason == ""
    assert answer(moderator, thread).hidden_reason == ""
    assert answer(agent, thread).hidden_reason == ""
    settings.NEW_MEMBER_REVIEW_POSTS = 0
    assert answer(new_member_make("newcomer"), thread).hidden_reason == ""


def test_an_account_is_new_for_the_configured_hours(
    thread: Thread, settings: Any, time_machine: TimeMachineFixture
) -> None:
    settings.NEW_MEMBER_HOURS = 2
    time_machine.move_to("2026-05-04 10:00:00+00:00", tick=False)
    newcomer = new_member_make("newcomer")
    time_machine.move_to("2026-05-04 11:59:59+00:00", tick=False)
    assert answer(newcomer, thread).is_hidden
    time_machine.move_to("2026-05-04 12:00:00+00:00", tick=False)
    assert not answer(newcomer, thread).is_hidden


def test_other_reasons_to_hide_or_restore_leave_content_in_review_alone(thread: Thread) -> None:
    post = answer(new_member_make("newcomer"), thread)

    assert not services.content_hide(post=post, reason=HiddenReason.MODERATOR, actor_id=None)
    assert not services.content_restore(post=post, actor_id=None)
    post.refresh_from_db()
    assert post.hidden_reason == HiddenReason.PENDING_REVIEW
    with pytest.raises(ValueError):
        services.content_hide(post=post, reason=HiddenReason.REJECTED, actor_id=None)


def test_deleting_a_held_answer_leaves_the_counts_alone(thread: Thread) -> None:
    newcomer = new_member_make("newcomer")
    post = answer(newcomer, thread)

    services.post_delete(post=post, actor=newcomer)

    thread.refresh_from_db()
    assert thread.answer_count == 0
    assert Board.objects.get(pk=thread.board_id).answer_count == 0


def test_the_author_sees_the_pending_mark_on_the_page_and_in_their_lists(
    thread: Thread,
) -> None:
    newcomer = new_member_make("newcomer")
    question = ask(newcomer, title="My eSIM stopped working in Norway")
    answer(newcomer, thread, body="Turn data roaming on in the eSIM's own settings.")
    client = Client()
    client.force_login(newcomer)

    page = client.get(question.get_absolute_url()).content.decode()
    assert "Waiting for a moderator's review" in page
    assert "Waiting for review" in page
    assert (
        "Waiting for a moderator's review" in client.get(thread.get_absolute_url()).content.decode()
    )
    profile = client.get(newcomer.get_absolute_url()).content.decode()
    assert question.title in profile and "Waiting for review" in profile
    answers = client.get(newcomer.get_absolute_url() + "?tab=answers").content.decode()
    assert thread.title in answers and "Waiting for review" in answers
    # Not on anyone else's view of the profile.
    assert question.title not in Client().get(newcomer.get_absolute_url()).content.decode()


def test_a_held_question_is_404_on_the_api_to_others_and_pending_review_to_its_author(
    veteran: Member,
) -> None:
    newcomer = new_member_make("newcomer")
    thread = ask(newcomer, title="My eSIM stopped working in Norway")

    assert api_client(veteran).get(f"/api/v1/threads/{thread.pk}/").status_code == 404
    assert api_client().get(f"/api/v1/threads/{thread.pk}/").status_code == 404
    own = api_client(newcomer).get(f"/api/v1/threads/{thread.pk}/")
    assert own.status_code == 200 and own.json()["pending_review"] is True
    mine = api_client(newcomer).get("/api/v1/threads/", {"author": "newcomer"}).json()
    assert [t["pending_review"] for t in mine["results"]] == [True]
    theirs = api_client(veteran).get("/api/v1/threads/", {"author": "newcomer"}).json()
    assert theirs["results"] == []
    services.content_approve(thread=thread)
    public = api_client(veteran).get(f"/api/v1/threads/{thread.pk}/").json()
    assert public["pending_review"] is False


def test_posting_a_first_answer_by_the_api_says_it_is_pending(thread: Thread) -> None:
    newcomer = new_member_make("newcomer")
    response = api_client(newcomer).post(
        f"/api/v1/threads/{thread.pk}/posts/",
        {"body": "Turn data roaming on in the eSIM's own settings."},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["pending_review"] is True
    listed = api_client(member_make("reader")).get(f"/api/v1/threads/{thread.pk}/posts/").json()
    assert listed["results"] == []


def test_agents_see_held_content_but_not_content_waiting_for_review(
    thread: Thread, agent: Member, moderator: Member
) -> None:
    newcomer = new_member_make("newcomer")
    question = ask(newcomer, title="My eSIM stopped working in Norway")
    held = answer(newcomer, thread)

    with pytest.raises(Http404):
        selectors.thread_get_for_viewer(thread_id=question.pk, viewer=agent)
    with pytest.raises(Http404):
        selectors.post_get_for_viewer(post_id=held.pk, viewer=agent)
    assert list(selectors.thread_answers(thread=thread, viewer=agent)) == []
    assert list(selectors.thread_answers(thread=thread, viewer=moderator)) == [held]
    services.content_approve(post=held)
    services.content_hide(post=held, reason=HiddenReason.SENSITIVE, actor_id=None)
    assert list(selectors.thread_answers(thread=thread, viewer=agent)) == [held]


def test_an_answer_waiting_for_review_earns_no_kudos_and_cannot_be_the_solution(
    thread: Thread, veteran: Member, moderator: Member
) -> None:
    held = answer(new_member_make("newcomer"), thread)

    with pytest.raises(Conflict):
        services.kudos_give(giver=moderator, post=held)
    with pytest.raises(Conflict):
        services.solution_accept(thread=thread, post=held, actor=veteran)
    services.content_approve(post=held)
    services.kudos_give(giver=moderator, post=held)
    assert services.solution_accept(thread=thread, post=held, actor=veteran).solution == held


def test_links_by_new_members_never_lend_them_the_sites_standing(agent: Member) -> None:
    text = "The status page says more: https://status.example.com/incidents/42"
    # A new member's links are inert text until their rank unlocks links...
    assert "<a " not in render(text, author=new_member_make("newcomer")).html
    # ...and whoever may link (a new agent here), a link in member content is nofollow ugc.
    assert 'rel="nofollow ugc noopener"' in render(text, author=agent).html


def test_a_new_member_answering_on_the_page_sees_the_answer_marked_as_waiting(
    thread: Thread,
) -> None:
    client = Client()
    client.force_login(new_member_make("newcomer"))

    response = client.post(
        f"/threads/{thread.pk}/answer/",
        {"body": "Turn data roaming on in the eSIM's own settings."},
        HTTP_HX_REQUEST="true",
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="notice notice-hidden notice-pending"' in html
    assert 'id="no-answers" hx-swap-oob="delete"' in html
    thread.refresh_from_db()
    assert thread.answer_count == 0
