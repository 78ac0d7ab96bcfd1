"""The moderators' review of new members' first posts: the decisions, the API and the page
(community/services/review.py holds them; tests/community/test_svc_review.py the holding)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.errors import Conflict
from community.models import HiddenReason, Member, Post, Thread
from notifications.messages import message_for
from notifications.models import Kind, Notification
from support.insights.trending import trending_problems
from support.moderation import services as moderation
from support.moderation.models import ModerationAction
from support.moderation.review import review_approve, review_reject
from tests.builders import (
    answer,
    api_client,
    ask,
    board_make,
    logged_in,
    member_make,
    new_member_make,
)

pytestmark = [pytest.mark.django_db, pytest.mark.new_member_review]


@pytest.fixture
def thread() -> Thread:
    return ask(member_make("veteran"), board_make(), title="Roaming charges in Norway")


@pytest.fixture
def newcomer() -> Member:
    return new_member_make("newcomer", display_name="Nina Newcomer")


@pytest.fixture
def held(thread: Thread, newcomer: Member) -> Post:
    return answer(newcomer, thread, body="Turn data roaming on in the eSIM's own settings.")


def message_to(member: Member) -> str:
    return message_for(Notification.objects.get(recipient=member, kind=Kind.MODERATION))


# --- the decisions ---------------------------------------------------------------------------


def test_approving_logs_it_and_tells_the_author(
    held: Post, moderator: Member, newcomer: Member
) -> None:
    action = review_approve(actor=moderator, post=held)

    held.refresh_from_db()
    assert held.hidden_reason == ""
    assert action.kind == ModerationAction.Kind.REVIEW_APPROVE
    assert (action.actor, action.member, action.post_id) == (moderator, newcomer, held.pk)
    assert "Approved after review" in message_to(newcomer)


def test_rejecting_keeps_it_for_the_author_and_tells_them_why(
    held: Post, moderator: Member, newcomer: Member
) -> None:
    review_reject(actor=moderator, post=held, reason="Please don't post links to shops.")

    held.refresh_from_db()
    assert held.hidden_reason == HiddenReason.REJECTED
    assert "Please don't post links to shops" in message_to(newcomer)
    # A second thought: a rejected post may still be approved.
    review_approve(actor=moderator, post=held)
    held.refresh_from_db()
    assert held.hidden_reason == ""


def test_a_decision_taken_twice_is_a_conflict(held: Post, moderator: Member) -> None:
    review_approve(actor=moderator, post=held)
    with pytest.raises(Conflict):
        review_approve(actor=moderator, post=held)
    with pytest.raises(Conflict):
        review_reject(actor=moderator, post=held)


def test_only_moderators_decide(held: Post, agent: Member, newcomer: Member) -> None:
    for actor in (agent, newcomer, member_make("other")):
        with pytest.raises(PermissionDenied):
            review_approve(actor=actor, post=held)
    held.refresh_from_db()
    assert held.hidden_reason == HiddenReason.PENDING_REVIEW


def test_a_reason_longer_than_500_characters_is_refused(held: Post, moderator: Member) -> None:
    with pytest.raises(ValidationError):
        review_reject(actor=moderator, post=held, reason="x" * 501)


def test_the_thread_tools_send_a_moderator_to_the_review_for_held_content(
    held: Post, moderator: Member
) -> None:
    with pytest.raises(Conflict):
        moderation.moderation_content_restore(actor=moderator, post=held)
    with pytest.raises(Conflict):
        moderation.moderation_content_hide(actor=moderator, post=held)


# --- the API ---------------------------------------------------------------------------------


def test_the_queue_lists_both_kinds_oldest_first_for_moderators(
    held: Post, moderator: Member, newcomer: Member, thread: Thread
) -> None:
    question = ask(new_member_make("second"), title="Top-up failed but money taken")

    body = api_client(moderator).get("/api/v1/moderation/review/").json()

    assert [(item["type"], item["id"]) for item in body["results"]] == [
        ("post", held.pk),
        ("thread", question.pk),
    ]
    first = body["results"][0]
    assert first["thread"] == thread.pk and first["thread_title"] == thread.title
    assert first["author"]["username"] == "newcomer"
    assert first["body"] == held.body and "author_joined_at" in first
    assert first["url"] == held.get_absolute_url()


def test_members_and_agents_get_403_and_visitors_401(
    held: Post, agent: Member, newcomer: Member
) -> None:
    assert api_client().get("/api/v1/moderation/review/").status_code == 401
    for member in (agent, newcomer):
        client = api_client(member)
        assert client.get("/api/v1/moderation/review/").status_code == 403
        approve = f"/api/v1/moderation/review/posts/{held.pk}/approve/"
        assert client.post(approve, {}, format="json").status_code == 403


def test_approve_and_reject_by_the_api(
    held: Post, moderator: Member, newcomer: Member, thread: Thread
) -> None:
    question = ask(new_member_make("second"), title="Top-up failed but money taken")
    client = api_client(moderator)

    approved = client.post(f"/api/v1/moderation/review/posts/{held.pk}/approve/", {}, format="json")
    rejected = client.post(
        f"/api/v1/moderation/review/threads/{question.pk}/reject/",
        {"reason": "Asked already."},
        format="json",
    )

    assert approved.status_code == 200
    assert approved.json() == {"type": "post", "id": held.pk, "decision": "approved"}
    assert rejected.json() == {"type": "thread", "id": question.pk, "decision": "rejected"}
    assert client.get("/api/v1/moderation/review/").json()["results"] == []
    again = client.post(f"/api/v1/moderation/review/posts/{held.pk}/reject/", {}, format="json")
    assert again.status_code == 409
    missing = client.post("/api/v1/moderation/review/posts/999999/approve/", {}, format="json")
    assert missing.status_code == 404
    too_long = client.post(
        f"/api/v1/moderation/review/threads/{question.pk}/approve/",
        {"reason": "x" * 501},
        format="json",
    )
    assert too_long.status_code == 400 and "reason" in too_long.json()


def test_the_queue_costs_the_same_queries_for_2_or_12_items(
    thread: Thread, moderator: Member
) -> None:
    client = api_client(moderator)

    def queries_with(count: int) -> tuple[int, int]:
        for n in range(count):
            member = new_member_make(f"new{count}-{n}")
            if n % 2:
                ask(member, title=f"My question number {n} about roaming")
            else:
                answer(member, thread)
        with CaptureQueriesContext(connection) as api:
            assert client.get("/api/v1/moderation/review/").status_code == 200
        with CaptureQueriesContext(connection) as page:
            assert logged_in(moderator).get("/moderation/review/").status_code == 200
        return len(api.captured_queries), len(page.captured_queries)

    small = queries_with(2)
    assert queries_with(10) == small


# --- the page --------------------------------------------------------------------------------


def test_the_page_shows_each_post_whole_with_one_click_decisions(
    held: Post, moderator: Member
) -> None:
    html = logged_in(moderator).get("/moderation/review/").content.decode()

    assert "Nina Newcomer" in html and "eSIM's own settings" in html
    assert f'action="/moderation/review/posts/{held.pk}/approve/"' in html
    assert f'formaction="/moderation/review/posts/{held.pk}/reject/"' in html


def test_the_page_is_404_to_everyone_but_moderators(
    held: Post, agent: Member, newcomer: Member
) -> None:
    for member in (agent, newcomer):
        assert logged_in(member).get("/moderation/review/").status_code == 404
        url = f"/moderation/review/posts/{held.pk}/approve/"
        assert logged_in(member).post(url).status_code == 404
    held.refresh_from_db()
    assert held.is_hidden


def test_one_click_approves_and_the_htmx_card_says_so(
    held: Post, moderator: Member, thread: Thread
) -> None:
    client = logged_in(moderator)

    response = client.post(f"/moderation/review/posts/{held.pk}/approve/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert "Approved" in response.content.decode()
    thread.refresh_from_db()
    assert thread.answer_count == 1
    again = client.post(f"/moderation/review/posts/{held.pk}/reject/")
    assert again.status_code == 409
    assert "isn&#x27;t waiting for review" in again.content.decode()


def test_rejecting_without_htmx_returns_to_the_queue(held: Post, moderator: Member) -> None:
    response = logged_in(moderator).post(
        f"/moderation/review/posts/{held.pk}/reject/", {"reason": "Spam."}
    )

    assert response.status_code == 302 and response["Location"] == "/moderation/review/"
    held.refresh_from_db()
    assert held.hidden_reason == HiddenReason.REJECTED


def test_trending_counts_questions_waiting_for_review_but_not_rejected_ones(
    moderator: Member,
) -> None:
    board = board_make()
    questions = [
        ask(new_member_make(f"outage{n}"), board, title=f"No signal at all since noon ({n})")
        for n in range(3)
    ]
    # New people sign up to ask when the network is down: their questions are the signal.
    assert [p.pk for p in trending_problems(timezone.now())] == [board.pk]

    review_reject(actor=moderator, thread=questions[0], reason="Spam.")

    assert trending_problems(timezone.now()) == []
