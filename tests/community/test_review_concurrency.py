"""The review of new members' first posts under concurrent requests (PostgreSQL): two first
posts at once are both held, and two moderators approving one answer at once count it, pay
it and announce it once (tests/concurrency.py releases the requests together)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from community import services
from community.models import Board, HiddenReason, Member, Post, Thread
from gamification.models import LedgerEntry
from notifications.models import Kind, Notification
from support.moderation.models import ModerationAction
from tests.builders import answer, api_client, ask, member_make, moderator_make, new_member_make
from tests.concurrency import requires_postgresql, run_at_once, transactional

pytestmark = [requires_postgresql, transactional, pytest.mark.new_member_review]

AN_HOUR = timedelta(hours=1)


def test_two_first_posts_of_a_new_account_sent_at_once_are_both_held() -> None:
    thread = ask(member_make("veteran"), ago=AN_HOUR, title="My card top-up keeps failing")
    newcomer = new_member_make("newcomer")

    def post(n: int) -> Callable[[], Post]:
        # Without the posting limits, whose gap would refuse the second outright: the review
        # holds loaders' posts too, and this is about its count.
        return lambda: services.post_create(
            author=Member.objects.get(pk=newcomer.pk),
            thread=Thread.objects.get(pk=thread.pk),
            body=f"Open the app, choose Top up, then pay by card (answer {n}).",
            check_limits=False,
        )

    def question() -> Thread:
        return services.thread_create(
            author=Member.objects.get(pk=newcomer.pk),
            board=thread.board,
            title="Top-up failed but the money was taken",
            body="I topped up ten pounds and the app says it failed, but my bank shows it.",
            check_limits=False,
        )

    tasks: list[Callable[[], Post | Thread]] = [post(1), post(2), question]
    results, errors = run_at_once(tasks)

    assert errors == []
    assert len(results) == 3
    assert {r.hidden_reason for r in results} == {HiddenReason.PENDING_REVIEW}
    thread.refresh_from_db()
    assert thread.answer_count == 0


def test_two_moderators_approving_one_answer_at_once_count_and_announce_it_once() -> None:
    asker = member_make("asker")
    thread = ask(asker, ago=AN_HOUR, title="My card top-up keeps failing")
    held = answer(new_member_make("newcomer"), thread)
    clients = [api_client(moderator_make(f"moderator{n}")) for n in range(4)]
    url = f"/api/v1/moderation/review/posts/{held.pk}/approve/"

    def approve(client: APIClient) -> Callable[[], int]:
        return lambda: int(client.post(url, {}, format="json").status_code)

    results, errors = run_at_once([approve(client) for client in clients])

    assert errors == []
    assert Counter(results) == {200: 1, 409: 3}
    thread.refresh_from_db()
    assert thread.answer_count == 1
    assert Board.objects.get(pk=thread.board_id).answer_count == 1
    assert Notification.objects.filter(recipient=asker, kind=Kind.ANSWER).count() == 1
    assert LedgerEntry.objects.filter(source=f"post:{held.pk}").count() == 1
    assert ModerationAction.objects.filter(kind=ModerationAction.Kind.REVIEW_APPROVE).count() == 1
