"""Posting limits under concurrent requests (PostgreSQL): the gap, the daily caps and the
duplicate check hold when a member's requests arrive at the same instant, and one member
following, answering and unfollowing one thread at once never deadlocks.

Every request goes through the real API endpoint, each in its own thread with its own
client, released together at a barrier (tests/concurrency.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from community.models import Kudos, Member, Post, Subscription, Thread
from community.services import limits
from gamification.services.rebuild import gamification_rebuild
from tests.builders import answer, api_client, ask
from tests.concurrency import requires_postgresql, run_at_once, transactional
from tests.factories import MemberFactory

pytestmark = [requires_postgresql, transactional]

AN_HOUR = timedelta(hours=1)
ANSWER = "Open the app, choose Top up and then pay by card (answer {n})."


def answer_request(member: Member, thread: Thread, body: str) -> Callable[[], int]:
    client = api_client(member)

    def send() -> int:
        response = client.post(f"/api/v1/threads/{thread.pk}/posts/", {"body": body}, format="json")
        return int(response.status_code)

    return send


def ask_request(member: Member, body: str) -> Callable[[], int]:
    client = api_client(member)
    board = ask(MemberFactory.create(), ago=AN_HOUR, title="Where the board comes from").board

    def send() -> int:
        response = client.post(
            "/api/v1/threads/",
            {"board": board.slug, "title": "My card top-up keeps failing", "body": body},
            format="json",
        )
        return int(response.status_code)

    return send


def call(client: APIClient, method: str, path: str, data: Any = None) -> int:
    return int(getattr(client, method)(path, data, format="json").status_code)


def statuses(tasks: list[Callable[[], int]]) -> Counter[int]:
    results, errors = run_at_once(tasks)
    assert errors == []
    return Counter(results)


def test_thirty_answers_at_once_from_a_new_member_pass_the_thirty_second_gap_once() -> None:
    thread = ask(MemberFactory.create(), ago=AN_HOUR, title="My card top-up keeps failing")
    newcomer = MemberFactory.create()

    counts = statuses([answer_request(newcomer, thread, ANSWER.format(n=n)) for n in range(30)])

    assert counts == {201: 1, 429: 29}
    assert Post.objects.filter(author=newcomer).count() == 1


def test_thirty_answers_at_once_from_a_new_member_stop_at_the_daily_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without the gap, the daily cap of 10 answers is the limit left to hold.
    monkeypatch.setattr(limits, "NEW_MEMBER_MIN_GAP", timedelta(0))
    thread = ask(MemberFactory.create(), ago=AN_HOUR, title="My card top-up keeps failing")
    newcomer = MemberFactory.create()

    counts = statuses([answer_request(newcomer, thread, ANSWER.format(n=n)) for n in range(30)])

    assert counts == {201: limits.NEW_MEMBER_DAILY_POSTS, 429: 30 - limits.NEW_MEMBER_DAILY_POSTS}
    assert Post.objects.filter(author=newcomer).count() == limits.NEW_MEMBER_DAILY_POSTS
    thread.refresh_from_db()
    assert thread.answer_count == limits.NEW_MEMBER_DAILY_POSTS


def test_ten_questions_at_once_from_a_new_member_stop_at_the_daily_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "NEW_MEMBER_MIN_GAP", timedelta(0))
    newcomer = MemberFactory.create()
    tasks = [
        ask_request(newcomer, f"The top-up page says the card was declined ({n}).")
        for n in range(10)
    ]

    counts = statuses(tasks)

    assert counts == {
        201: limits.NEW_MEMBER_DAILY_THREADS,
        429: 10 - limits.NEW_MEMBER_DAILY_THREADS,
    }
    assert Thread.objects.filter(author=newcomer).count() == limits.NEW_MEMBER_DAILY_THREADS


def test_twenty_identical_answers_at_once_are_posted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # A member of some standing, and no gap: the duplicate check is the limit left to hold.
    monkeypatch.setattr(limits, "MIN_GAP", timedelta(0))
    thread = ask(MemberFactory.create(), ago=AN_HOUR, title="My card top-up keeps failing")
    regular = MemberFactory.create(date_joined=timezone.now() - timedelta(days=30))

    counts = statuses([answer_request(regular, thread, ANSWER.format(n=0)) for _ in range(20)])

    assert counts == {201: 1, 400: 19}
    assert Post.objects.filter(author=regular).count() == 1


def test_a_question_and_an_answer_with_the_same_text_at_once_are_posted_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MIN_GAP", timedelta(0))
    thread = ask(MemberFactory.create(), ago=AN_HOUR, title="My card top-up keeps failing")
    regular = MemberFactory.create(date_joined=timezone.now() - timedelta(days=30))
    body = "The top-up page says the card was declined, every single time."

    counts = statuses(
        [ask_request(regular, body) for _ in range(5)]
        + [answer_request(regular, thread, body) for _ in range(5)]
    )

    assert counts[201] == 1
    assert counts[400] == 9
    written = (
        Thread.objects.filter(author=regular).count() + Post.objects.filter(author=regular).count()
    )
    assert written == 1


def test_following_answering_and_unfollowing_one_thread_at_once_never_deadlocks() -> None:
    """Three requests of one member on one thread, thirty times over: every one succeeds."""
    asker = MemberFactory.create()
    regulars = [
        MemberFactory.create(date_joined=timezone.now() - timedelta(days=30)) for _ in range(10)
    ]
    for round_number in range(3):
        threads = [
            ask(asker, ago=AN_HOUR, title=f"My card top-up keeps failing {round_number}-{n}")
            for n in range(10)
        ]
        tasks: list[Callable[[], Any]] = []
        for member, thread in zip(regulars, threads, strict=True):
            client_follow = api_client(member)
            client_unfollow = api_client(member)
            path = f"/api/v1/threads/{thread.pk}/subscription/"
            tasks.append(partial(call, client_follow, "post", path))
            tasks.append(partial(call, client_unfollow, "delete", path))
            tasks.append(
                answer_request(member, thread, ANSWER.format(n=f"{round_number}-{thread.pk}"))
            )
        # Each round's answers come 30 days after the last: no gap in the way.
        Member.objects.filter(pk__in=[m.pk for m in regulars]).update(
            date_joined=timezone.now() - timedelta(days=30)
        )
        Post.objects.filter(author__in=regulars).update(
            created_at=timezone.now() - timedelta(minutes=10)
        )

        results, errors = run_at_once(tasks)

        assert errors == []
        assert all(status < 500 for status in results), Counter(results)
        assert Counter(results)[201] >= 10  # every answer (and perhaps some follows)
    assert Post.objects.filter(author__in=regulars).count() == 30
    assert Subscription.objects.filter(member__in=regulars).count() <= 30


def test_opposite_accepts_and_kudos_at_the_same_instant_never_deadlock() -> None:
    """Ten pairs of members, each asking and answering the other: both accept the other's
    answer, and each gives kudos on the other's question, all at once. Points move for
    both members of every accept, in opposite orders, so only one lock order survives."""
    tasks: list[Callable[[], Any]] = []
    for _ in range(10):
        anna, bruno = (
            MemberFactory.create(date_joined=timezone.now() - timedelta(days=30)) for _ in range(2)
        )
        for asker, answerer in ((anna, bruno), (bruno, anna)):
            thread = ask(asker, ago=AN_HOUR, title="My card top-up keeps failing")
            post = answer(answerer, thread, ago=AN_HOUR)
            accept = api_client(asker)
            thank = api_client(answerer)
            path = f"/api/v1/threads/{thread.pk}/"
            tasks.append(partial(call, accept, "post", path + "solution/", {"post": post.pk}))
            tasks.append(partial(call, thank, "post", path + "kudos/"))

    results, errors = run_at_once(tasks)

    assert errors == []
    assert Counter(results) == {200: 20, 201: 20}
    assert Thread.objects.filter(solution__isnull=False).count() == 20
    assert Kudos.objects.count() == 20
    assert gamification_rebuild(fix=False).total == 0
