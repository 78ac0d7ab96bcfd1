"""The fast-answer bonus: +5 for the first answer by someone else within 15 minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from community import services
from community.models import Board, Member, Thread
from gamification.models import GamificationSettings, Reason
from tests.builders import answer, ask, board_make, member_make
from tests.gamification.helpers import backdate, ledger_sum


@pytest.fixture
def board(db: None) -> Board:
    return board_make()


@pytest.fixture
def asker(db: None) -> Member:
    return member_make(username="asker")


@pytest.fixture
def helper(db: None) -> Member:
    return member_make(username="helper")


@pytest.fixture
def thread(asker: Member, board: Board) -> Thread:
    return ask(asker, board)


def fast_points(member: Member) -> int:
    return ledger_sum(member, reason=Reason.FAST_ANSWER)


def test_the_first_answer_within_fifteen_minutes_earns_the_bonus(
    helper: Member, thread: Thread
) -> None:
    backdate(thread, by=timedelta(minutes=14))

    post = answer(helper, thread)

    assert fast_points(helper) == 5
    assert ledger_sum(helper, source=f"fast:{post.pk}") == 5


def test_an_answer_after_fifteen_minutes_earns_no_bonus(helper: Member, thread: Thread) -> None:
    backdate(thread, by=timedelta(minutes=15, seconds=5))

    answer(helper, thread)

    assert fast_points(helper) == 0
    assert ledger_sum(helper, reason=Reason.ANSWER_POSTED) == 2


def test_later_answers_earn_no_bonus_even_inside_the_window(helper: Member, thread: Thread) -> None:
    second, third = member_make(), member_make()
    answer(helper, thread)

    answer(second, thread)
    answer(third, thread)
    answer(helper, thread)  # the first answerer again

    assert fast_points(helper) == 5
    assert fast_points(second) == fast_points(third) == 0


def test_the_askers_own_follow_up_is_not_the_first_answer(
    asker: Member, helper: Member, thread: Thread
) -> None:
    answer(asker, thread)

    answer(helper, thread)

    assert fast_points(asker) == 0
    assert fast_points(helper) == 5


def test_a_longer_window_set_by_staff_applies(helper: Member, thread: Thread) -> None:
    config = GamificationSettings.current()
    config.fast_answer_minutes = 60
    config.save()
    backdate(thread, by=timedelta(minutes=45))

    answer(helper, thread)

    assert fast_points(helper) == 5


def test_deleting_the_fast_answer_takes_the_bonus_back(
    helper: Member, thread: Thread, moderator: Member
) -> None:
    post = answer(helper, thread)
    source = f"fast:{post.pk}"
    assert ledger_sum(helper, source=source) == 5

    services.post_delete(post=post, actor=moderator)

    assert ledger_sum(helper, source=source) == 0
    assert ledger_sum(helper, source=source, reason=Reason.CONTENT_REMOVED) == -5
    assert ledger_sum(helper) == 0
