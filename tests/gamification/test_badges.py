"""Badges: each rule in the REGISTRY is awarded when earned and not before, evaluation is
idempotent, and the receivers schedule it after the community's write commits."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from community import services
from community.models import Board, Kudos, Member, Post, Thread
from gamification import events
from gamification.badges import REGISTRY
from gamification.models import BadgeAward
from gamification.receivers import _queue_badges
from gamification.services.badges import badges_evaluate
from gamification.tasks import badges_evaluate as badges_evaluate_task
from tests.builders import answer, ask, board_make, member_make
from tests.gamification.helpers import backdate, capture

CaptureCallbacks = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@pytest.fixture
def board(db: None) -> Board:
    return board_make()


@pytest.fixture
def member(db: None) -> Member:
    return member_make(username="member")


@pytest.fixture
def asker(db: None) -> Member:
    return member_make(username="asker")


def held(member: Member) -> set[str]:
    return set(BadgeAward.objects.filter(member=member).values_list("badge", flat=True))


def evaluate(member: Member) -> set[str]:
    """Run the evaluation and return the slugs it newly awarded."""
    return {award.badge for award in badges_evaluate(member_id=member.pk)}


def solve(asker: Member, helper: Member, board: Board) -> tuple[Thread, Post]:
    thread = ask(asker, board)
    post = answer(helper, thread)
    services.solution_accept(thread=thread, post=post, actor=asker)
    return thread, post


# Bulk rows for the big thresholds (50 solutions, 1,000 kudos): the badge rules only read
# these tables, so writing them directly tests the rule without 1,000 service calls.
def bulk_threads(author: Member, board: Board, n: int) -> list[Thread]:
    return Thread.objects.bulk_create(
        Thread(
            board=board,
            author=author,
            title=f"Bulk question {i}",
            body="Bulk question body",
            body_html="",
            body_text="",
        )
        for i in range(n)
    )


def bulk_answers(author: Member, threads: list[Thread]) -> list[Post]:
    return Post.objects.bulk_create(
        Post(thread=thread, author=author, body="Bulk answer", body_html="", body_text="")
        for thread in threads
    )


def bulk_solutions(asker: Member, helper: Member, board: Board, n: int) -> None:
    threads = bulk_threads(asker, board, n)
    for thread, post in zip(threads, bulk_answers(helper, threads), strict=True):
        thread.solution, thread.solved_at = post, timezone.now()
    Thread.objects.bulk_update(threads, ["solution", "solved_at"])


def bulk_kudos(receiver: Member, board: Board, n: int) -> None:
    posts = bulk_answers(receiver, bulk_threads(member_make(), board, n))
    giver = member_make()
    Kudos.objects.bulk_create(Kudos(giver=giver, receiver=receiver, post=post) for post in posts)


# --- each badge -----------------------------------------------------------------------------


def test_first_question_is_awarded_for_asking_and_not_before(member: Member, board: Board) -> None:
    assert "first-question" not in evaluate(member)

    ask(member, board)

    assert "first-question" in evaluate(member)


def test_first_answer_needs_an_answer_to_someone_elses_question(
    member: Member, asker: Member, board: Board
) -> None:
    answer(member, ask(member, board))  # to their own question
    assert "first-answer" not in evaluate(member)

    answer(member, ask(asker, board))

    assert "first-answer" in evaluate(member)


def test_first_solution_needs_an_accepted_answer_to_someone_else(
    member: Member, asker: Member, board: Board
) -> None:
    own = ask(member, board)
    services.solution_accept(thread=own, post=answer(member, own), actor=member)
    thread = ask(asker, board)
    post = answer(member, thread)
    assert "first-solution" not in evaluate(member)

    services.solution_accept(thread=thread, post=post, actor=asker)

    assert "first-solution" in evaluate(member)


def test_the_troubleshooter_badge_comes_at_exactly_ten_solutions(
    member: Member, asker: Member, board: Board
) -> None:
    for _ in range(9):
        solve(asker, member, board)
    assert "solutions-10" not in evaluate(member)

    solve(asker, member, board)

    assert "solutions-10" in evaluate(member)


@pytest.mark.parametrize("slug", ["solutions-50", "solutions-150"])
def test_the_bigger_solution_badges_come_at_exactly_their_count(
    slug: str, member: Member, asker: Member, board: Board
) -> None:
    count = {"solutions-50": 50, "solutions-150": 150}[slug]
    bulk_solutions(asker, member, board, count - 1)
    assert not REGISTRY[slug].earned(member.pk)

    bulk_solutions(asker, member, board, 1)

    assert REGISTRY[slug].earned(member.pk)


def test_the_appreciated_badge_comes_at_the_tenth_kudos(
    member: Member, asker: Member, board: Board
) -> None:
    post = answer(member, ask(asker, board))
    givers = [member_make() for _ in range(10)]
    for giver in givers[:9]:
        services.kudos_give(giver=giver, post=post)
    assert "kudos-10" not in evaluate(member)

    services.kudos_give(giver=givers[9], post=post)

    assert "kudos-10" in evaluate(member)


@pytest.mark.parametrize("slug", ["kudos-100", "kudos-1000"])
def test_the_bigger_kudos_badges_come_at_exactly_their_count(
    slug: str, member: Member, board: Board
) -> None:
    count = {"kudos-100": 100, "kudos-1000": 1000}[slug]
    bulk_kudos(member, board, count - 1)
    assert not REGISTRY[slug].earned(member.pk)

    bulk_kudos(member, board, 1)

    assert REGISTRY[slug].earned(member.pk)


def test_fast_responder_needs_a_solution_posted_within_ten_minutes(
    member: Member, asker: Member, board: Board
) -> None:
    slow_thread = ask(asker, board)
    slow = answer(member, slow_thread)
    Post.objects.filter(pk=slow.pk).update(
        created_at=slow_thread.created_at + timedelta(minutes=11)
    )
    services.solution_accept(thread=slow_thread, post=slow, actor=asker)
    assert "fast-responder" not in evaluate(member)

    fast_thread = ask(asker, board)
    fast = answer(member, fast_thread)
    Post.objects.filter(pk=fast.pk).update(
        created_at=fast_thread.created_at + timedelta(minutes=10)
    )
    assert "fast-responder" not in evaluate(member)  # fast, but not yet the solution
    services.solution_accept(thread=fast_thread, post=fast, actor=asker)

    assert "fast-responder" in evaluate(member)


def answer_on_days(member: Member, asker: Member, board: Board, days_ago: list[int]) -> None:
    for days in days_ago:
        post = answer(member, ask(asker, board))
        noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
        Post.objects.filter(pk=post.pk).update(created_at=noon - timedelta(days=days))


def test_the_seven_day_streak_needs_answers_on_seven_consecutive_days(
    member: Member, asker: Member, board: Board
) -> None:
    # Six days in a row, a gap, then more: the longest run is six.
    answer_on_days(member, asker, board, [0, 1, 2, 3, 4, 5, 7, 8, 8])
    assert "streak-7" not in evaluate(member)

    answer_on_days(member, asker, board, [6])

    assert "streak-7" in evaluate(member)


def test_answers_to_your_own_questions_do_not_make_a_streak(member: Member, board: Board) -> None:
    answer_on_days(member, member, board, list(range(7)))

    assert "streak-7" not in evaluate(member)


def test_the_thirty_day_streak_needs_thirty_days(
    member: Member, asker: Member, board: Board
) -> None:
    answer_on_days(member, asker, board, list(range(29)))
    assert not REGISTRY["streak-30"].earned(member.pk)

    answer_on_days(member, asker, board, [29])

    assert REGISTRY["streak-30"].earned(member.pk)


def test_good_question_comes_with_ten_kudos_on_one_question(member: Member, board: Board) -> None:
    thread = ask(member, board)
    givers = [member_make() for _ in range(10)]
    for giver in givers[:9]:
        services.kudos_give(giver=giver, thread=thread)
    assert "good-question" not in evaluate(member)

    services.kudos_give(giver=givers[9], thread=thread)

    assert "good-question" in evaluate(member)


def test_popular_question_comes_at_a_thousand_views(member: Member, board: Board) -> None:
    thread = ask(member, board)
    Thread.objects.filter(pk=thread.pk).update(view_count=999)
    assert "popular-question" not in evaluate(member)

    Thread.objects.filter(pk=thread.pk).update(view_count=1000)

    assert "popular-question" in evaluate(member)


def test_saved_before_escalation_needs_a_solution_within_48_hours_of_an_unescalated_question(
    member: Member, asker: Member, board: Board
) -> None:
    escalated = ask(asker, board)
    services.thread_mark_escalated(thread_id=escalated.pk, escalated=True)
    services.solution_accept(thread=escalated, post=answer(member, escalated), actor=asker)
    late = ask(asker, board)
    backdate(late, by=timedelta(hours=49))
    services.solution_accept(thread=late, post=answer(member, late), actor=asker)
    assert "saved-before-escalation" not in evaluate(member)

    in_time = ask(asker, board)
    backdate(in_time, by=timedelta(hours=47))
    services.solution_accept(thread=in_time, post=answer(member, in_time), actor=asker)

    assert "saved-before-escalation" in evaluate(member)


def test_every_badge_in_the_registry_has_a_test_here() -> None:
    tested = {
        "first-question",
        "first-answer",
        "first-solution",
        "solutions-10",
        "solutions-50",
        "solutions-150",
        "kudos-10",
        "kudos-100",
        "kudos-1000",
        "fast-responder",
        "streak-7",
        "streak-30",
        "good-question",
        "popular-question",
        "saved-before-escalation",
    }
    assert set(REGISTRY) == tested


# --- evaluation -----------------------------------------------------------------------------


def test_evaluating_twice_awards_once_and_announces_once(member: Member, board: Board) -> None:
    ask(member, board)

    with capture(events.badge_awarded) as sent:
        first = badges_evaluate(member_id=member.pk)
        second = badges_evaluate(member_id=member.pk)
        badges_evaluate_task.delay(member.pk)

    assert [a.badge for a in first] == ["first-question"]
    assert second == []
    assert BadgeAward.objects.filter(member=member).count() == 1
    assert sent == [{"award_id": first[0].pk, "member_id": member.pk, "badge": "first-question"}]


def test_a_badge_stays_once_earned(member: Member, asker: Member, board: Board) -> None:
    post = answer(member, ask(asker, board))
    evaluate(member)

    services.post_delete(post=post, actor=member)

    assert "first-answer" in held(member)
    assert "first-answer" not in evaluate(member)


def test_asking_schedules_the_evaluation_after_commit(
    member: Member, board: Board, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        ask(member, board)
        assert held(member) == set()  # nothing inside the transaction

    assert held(member) == set()  # not run until the commit
    # One evaluation among the after-commit work (the visitors' page cache is dropped too).
    [evaluation] = [c for c in callbacks if getattr(c, "func", None) is _queue_badges]
    evaluation()
    assert held(member) == {"first-question"}


def test_answering_kudos_and_solutions_award_badges_once_committed(
    member: Member,
    asker: Member,
    board: Board,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    with capture(events.badge_awarded) as sent:
        with django_capture_on_commit_callbacks(execute=True):
            thread = ask(asker, board)
        with django_capture_on_commit_callbacks(execute=True):
            post = answer(member, thread)
        assert held(member) == {"first-answer"}

        with django_capture_on_commit_callbacks(execute=True):
            services.solution_accept(thread=thread, post=post, actor=asker)
        assert {"first-solution", "fast-responder", "saved-before-escalation"} <= held(member)

        givers = [member_make() for _ in range(10)]
        for giver in givers:
            with django_capture_on_commit_callbacks(execute=True):
                services.kudos_give(giver=giver, post=post)
        assert "kudos-10" in held(member)

    awarded = [(s["member_id"], s["badge"]) for s in sent]
    assert len(awarded) == len(set(awarded))  # each announced exactly once
    assert (member.pk, "kudos-10") in awarded
    assert (asker.pk, "first-question") in awarded


def test_a_rolled_back_action_schedules_no_evaluation(
    member: Member, board: Board, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="boom"),
        transaction.atomic(),
    ):
        ask(member, board)
        assert Thread.objects.filter(author=member).exists()  # written, then undone
        raise RuntimeError("boom")

    assert callbacks == []
    assert held(member) == set()
