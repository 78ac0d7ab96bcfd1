"""A new member's daily posting cap is 24 real hours, whatever midnight comes in between.

The cap (community/services/limits.py: 3 questions in a member's first day) counts a rolling
day from each question, in real time. Neither local midnight nor UTC midnight starts a new
allowance, and the days the clocks change (Europe/London) are 24 hours for the cap like any
other: a rule that counted calendar days, or wall-clock hours, fails one of these.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from community import services
from community.errors import RateLimited
from community.models import Board, Member, Thread
from community.services.limits import NEW_MEMBER_DAILY_THREADS, is_new_member
from tests.factories import MemberFactory


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ask_at(member: Member, board: Board, moment: datetime, n: int) -> Thread:
    """A question written at `moment`, through the service, limits and all."""
    with time_machine.travel(moment, tick=False):
        return services.thread_create(
            author=member,
            board=board,
            title=f"Question {n} from my first day",
            body=f"My new SIM does not work yet, question number {n}.",
        )


@pytest.fixture
def board(db: None) -> Board:
    return Board.objects.create(name="SIM & eSIM", slug="sim-esim")


CASES = {
    # (joined at, still refused at these moments, free to ask at; all UTC)
    "summer: local midnight, then UTC midnight": (
        "2027-07-14T21:00",  # 22:00 BST
        ["2027-07-14T23:05", "2027-07-15T00:05", "2027-07-15T20:59"],
        "2027-07-15T21:01",
    ),
    "winter: midnight is the same in both": (
        "2027-01-14T22:00",
        ["2027-01-15T00:05", "2027-01-15T21:59"],
        "2027-01-15T22:01",
    ),
    # Joined at 00:00 GMT; the next local midnight comes 23 hours later, not 24.
    "the day the clocks go forward": (
        "2027-03-28T00:00",
        ["2027-03-28T23:05", "2027-03-28T23:59"],
        "2027-03-29T00:01",
    ),
    # Joined at 00:00 BST (23:00 UTC); the next local midnight comes 25 hours later.
    "the day the clocks go back": (
        "2027-10-30T23:00",
        ["2027-10-31T22:59"],
        "2027-10-31T23:01",  # 23:01 GMT: 24 hours on, though the wall clock says 23
    ),
    "New Year's Eve": (
        "2026-12-31T23:00",
        ["2027-01-01T00:05", "2027-01-01T22:59"],
        "2027-01-01T23:01",
    ),
    "29 February": (
        "2028-02-28T23:00",
        ["2028-02-29T00:05", "2028-02-29T22:59"],
        "2028-02-29T23:01",
    ),
}


@pytest.mark.parametrize(("joined", "refused", "free"), CASES.values(), ids=CASES.keys())
def test_a_new_members_questions_are_capped_for_24_real_hours(
    board: Board, joined: str, refused: list[str], free: str
) -> None:
    joined_at = utc(joined)
    with time_machine.travel(joined_at, tick=False):
        member = MemberFactory.create()
    first = joined_at + timedelta(minutes=1)
    for n in range(NEW_MEMBER_DAILY_THREADS):
        ask_at(member, board, first + timedelta(minutes=10 * n), n)

    for moment in map(utc, refused):
        with pytest.raises(RateLimited) as caught:
            ask_at(member, board, moment, 99)
        # The first question leaves the window 24 real hours after it was asked.
        expected = (first + timedelta(days=1) - moment).total_seconds()
        assert caught.value.retry_after == max(1, int(expected)), moment
        assert is_new_member(member, now=moment)
    assert Thread.objects.filter(author=member).count() == NEW_MEMBER_DAILY_THREADS

    ask_at(member, board, utc(free), 100)
    assert not is_new_member(member, now=utc(free))
    assert Thread.objects.filter(author=member).count() == NEW_MEMBER_DAILY_THREADS + 1
