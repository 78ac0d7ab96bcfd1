"""Points on the days that matter, with the clock pinned at each boundary.

The community's days are Europe/London days: midnight is 00:00 UTC in winter and 23:00 UTC
the evening before in summer, the day the clocks go forward has 23 hours and the day they go
back 25. Weeks start on Monday, months on the 1st, payback periods on 1 December and 1 June.
Each case below would put points in the wrong row, day or statement if a rule counted days
in UTC, or by a fixed offset, or by the calendar the tests were written on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone

from community import services
from community.errors import Conflict
from community.models import Member, Post
from gamification.leaderboards import leaderboard as leaderboard_read
from gamification.models import (
    ALL_TIME_START,
    GamificationSettings,
    LedgerEntry,
    Period,
    Reason,
    RewardPeriod,
    RewardPeriodStatus,
    Statement,
)
from gamification.periods import payback_period_bounds, period_starts
from gamification.services.ledger import points_award
from gamification.services.payback import period_points, reward_period_close, reward_period_for
from gamification.tasks import payback_close_ended
from tests.builders import answer, ask, board_make, member_make
from tests.gamification.helpers import leaderboard_at


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


_sources = iter(range(1, 1_000_000))


def award_at(member: Member, moment: datetime, points: int) -> LedgerEntry:
    """An award written at `moment` (the clock pinned there), as a receiver writes it."""
    with time_machine.travel(moment, tick=False):
        entry = points_award(
            member_id=member.pk,
            reason=Reason.KUDOS_ON_ANSWER,
            source=f"kudos:{next(_sources)}",
            points=points,
        )
    assert entry is not None
    return entry


# --- the day, week, month and payback period of a moment ------------------------------------

# (moment in UTC, local week start (Monday), month start, payback period start)
MOMENTS = {
    # The last minute of a summer period and the first of the next (BST: UTC+1).
    "31 May 23:59 BST": ("2027-05-31T22:59", "2027-05-31", "2027-05-01", "2026-12-01"),
    "1 June 00:00 BST": ("2027-05-31T23:00", "2027-05-31", "2027-06-01", "2027-06-01"),
    "23:30 UTC on 31 May": ("2027-05-31T23:30", "2027-05-31", "2027-06-01", "2027-06-01"),
    # The last minute of a winter period and the first of the next (GMT: UTC+0).
    "23:30 UTC on 30 Nov": ("2026-11-30T23:30", "2026-11-30", "2026-11-01", "2026-06-01"),
    "30 Nov 23:59 GMT": ("2026-11-30T23:59", "2026-11-30", "2026-11-01", "2026-06-01"),
    "1 Dec 00:00 GMT": ("2026-12-01T00:00", "2026-11-30", "2026-12-01", "2026-12-01"),
    # 29 February and the day after.
    "29 Feb 2028 12:00": ("2028-02-29T12:00", "2028-02-28", "2028-02-01", "2027-12-01"),
    "29 Feb 2028 23:59": ("2028-02-29T23:59", "2028-02-28", "2028-02-01", "2027-12-01"),
    "1 Mar 2028 00:00": ("2028-03-01T00:00", "2028-02-28", "2028-03-01", "2027-12-01"),
    # New Year's Eve: a new month and year, the same week and payback period.
    "31 Dec 23:30": ("2026-12-31T23:30", "2026-12-28", "2026-12-01", "2026-12-01"),
    "1 Jan 00:00": ("2027-01-01T00:00", "2026-12-28", "2027-01-01", "2026-12-01"),
    # Clocks go forward on Sunday 28 March 2027 at 01:00 UTC: Monday starts at 23:00 UTC.
    "Sunday 28 Mar 00:30 GMT": ("2027-03-28T00:30", "2027-03-22", "2027-03-01", "2026-12-01"),
    "Sunday 28 Mar 22:59 BST": ("2027-03-28T21:59", "2027-03-22", "2027-03-01", "2026-12-01"),
    "Monday 29 Mar 00:30 BST": ("2027-03-28T23:30", "2027-03-29", "2027-03-01", "2026-12-01"),
    # Clocks go back on Sunday 31 October 2027 at 01:00 UTC: 01:30 happens twice, and
    # November starts at 00:00 UTC again.
    "31 Oct 01:30 BST": ("2027-10-31T00:30", "2027-10-25", "2027-10-01", "2027-06-01"),
    "31 Oct 01:30 GMT": ("2027-10-31T01:30", "2027-10-25", "2027-10-01", "2027-06-01"),
    "31 Oct 23:30 GMT": ("2027-10-31T23:30", "2027-10-25", "2027-10-01", "2027-06-01"),
    "1 Nov 00:00 GMT": ("2027-11-01T00:00", "2027-11-01", "2027-11-01", "2027-06-01"),
}  # fmt: skip


@pytest.mark.parametrize(
    ("moment", "week_day", "month_day", "payback_day"), MOMENTS.values(), ids=MOMENTS.keys()
)
def test_points_count_in_the_local_week_month_and_payback_period_of_their_moment(
    db: None, moment: str, week_day: str, month_day: str, payback_day: str
) -> None:
    member = member_make()
    when = utc(moment)
    week, month = date.fromisoformat(week_day), date.fromisoformat(month_day)
    payback = date.fromisoformat(payback_day)

    assert period_starts(when) == {
        Period.WEEK: week,
        Period.MONTH: month,
        Period.PAYBACK: payback,
        Period.ALL: ALL_TIME_START,
    }
    award_at(member, when, 7)

    assert leaderboard_at(member, Period.WEEK, week) == 7
    assert leaderboard_at(member, Period.MONTH, month) == 7
    assert leaderboard_at(member, Period.PAYBACK, payback) == 7
    assert leaderboard_at(member, Period.ALL, ALL_TIME_START) == 7
    # The leaderboard pages read "this week/month/period" on that local day.
    with time_machine.travel(when, tick=False):
        for period, start in ((Period.WEEK, week), (Period.MONTH, month)):
            board = leaderboard_read(period=period)
            assert board.start == start
            assert [(row.member.pk, row.points) for row in board.rows] == [(member.pk, 7)]


def test_the_week_that_loses_an_hour_and_the_week_that_gains_one_keep_their_points(
    db: None,
) -> None:
    member = member_make()
    # Monday 22 March 00:00 GMT to Sunday 28 March 23:59 BST (22:59 UTC): 167 hours.
    award_at(member, utc("2027-03-22T00:00"), 1)
    award_at(member, utc("2027-03-28T22:59"), 2)
    award_at(member, utc("2027-03-28T23:00"), 4)  # Monday 29 March 00:00 BST
    # Monday 25 October 00:00 BST (Sunday 23:00 UTC) to Sunday 31 October 23:59 GMT: 169 hours.
    award_at(member, utc("2027-10-24T22:59"), 8)  # Sunday 24 October 23:59 BST
    award_at(member, utc("2027-10-24T23:00"), 16)
    award_at(member, utc("2027-10-31T23:59"), 32)
    award_at(member, utc("2027-11-01T00:00"), 64)

    assert leaderboard_at(member, Period.WEEK, date(2027, 3, 22)) == 1 + 2
    assert leaderboard_at(member, Period.WEEK, date(2027, 3, 29)) == 4
    assert leaderboard_at(member, Period.WEEK, date(2027, 10, 18)) == 8
    assert leaderboard_at(member, Period.WEEK, date(2027, 10, 25)) == 16 + 32
    assert leaderboard_at(member, Period.WEEK, date(2027, 11, 1)) == 64


# --- closing a payback period into statements -----------------------------------------------

BOUNDARIES = {
    # (the period's last minute, the next period's first minute; both in UTC)
    "summer ends 31 May 23:59 BST": ("2027-05-31T22:59", "2027-05-31T23:00"),
    "winter ends 30 Nov 23:59 GMT": ("2026-11-30T23:59", "2026-12-01T00:00"),
    "a leap winter ends 31 May 2028": ("2028-05-31T22:59", "2028-05-31T23:00"),
}


@pytest.mark.parametrize(("last", "first"), BOUNDARIES.values(), ids=BOUNDARIES.keys())
def test_a_period_closes_from_the_first_minute_of_the_next_with_its_last_minutes_points(
    db: None, last: str, first: str
) -> None:
    helper, other = member_make(), member_make()
    last_minute, first_minute = utc(last), utc(first)
    award_at(helper, last_minute, 600)
    award_at(other, last_minute.replace(second=59), 3)
    award_at(helper, first_minute, 40)  # the next period's
    ending = reward_period_for(timezone.localdate(last_minute))

    # During its last minute the period is still running: the daily job leaves it open.
    with time_machine.travel(last_minute.replace(second=30), tick=False):
        assert payback_close_ended.delay().get() == 0
        with pytest.raises(Conflict):
            reward_period_close(period=ending)
    ending.refresh_from_db()
    assert ending.status == RewardPeriodStatus.OPEN

    # One minute later (the first of the next local day) it closes, with every point of its
    # last minute and none of the next period's.
    with time_machine.travel(first_minute.replace(second=30), tick=False):
        assert payback_close_ended.delay().get() == 1
        running = reward_period_for(timezone.localdate(first_minute))
    ending.refresh_from_db()
    assert ending.status == RewardPeriodStatus.CLOSED
    statements = {s.member_id: s.points for s in Statement.objects.filter(period=ending)}
    assert statements == {helper.pk: 600, other.pk: 3}
    assert (running.start - ending.end).days == 1
    assert running.status == RewardPeriodStatus.OPEN
    assert period_points(period=running) == {helper.pk: 40}
    assert ending.method_deadline is not None
    assert (ending.method_deadline - running.start).days == 30


def test_points_earned_on_29_february_are_paid_with_their_winter_period(db: None) -> None:
    helper = member_make()
    award_at(helper, utc("2028-02-29T00:00"), 250)
    award_at(helper, utc("2028-02-29T23:59"), 260)
    assert payback_period_bounds(date(2028, 2, 29)) == (date(2027, 12, 1), date(2028, 5, 31))
    period = reward_period_for(date(2028, 2, 29))

    with time_machine.travel(utc("2028-06-01T08:00"), tick=False):
        payback_close_ended.delay().get()

    period.refresh_from_db()
    assert period.status == RewardPeriodStatus.CLOSED
    statement = Statement.objects.get(period=period, member=helper)
    assert statement.points == 510
    assert leaderboard_at(helper, Period.MONTH, date(2028, 2, 1)) == 510
    assert leaderboard_at(helper, Period.WEEK, date(2028, 2, 28)) == 510
    assert RewardPeriod.objects.filter(start=date(2028, 6, 1)).exists()


# --- the daily cap on points from kudos: the community's day, not UTC's ----------------------

CAP_DAYS = {
    # (capped at, still the same local day at, the next local day at; all UTC)
    "summer: local midnight is 23:00 UTC": (
        "2027-07-14T22:30",  # 23:30 BST on the 14th
        "2027-07-14T22:59",
        "2027-07-14T23:10",  # 00:10 BST on the 15th, still the 14th in UTC
    ),
    "summer: UTC midnight is not a new day": (
        "2027-07-14T23:10",  # 00:10 BST on the 15th
        "2027-07-15T00:10",  # a new UTC day, the same local one
        "2027-07-15T23:00",
    ),
    "the day the clocks go forward has 23 hours": (
        "2027-03-28T00:30",  # 00:30 GMT
        "2027-03-28T22:50",  # 23:50 BST, 22 hours and 20 minutes later
        "2027-03-28T23:00",  # Monday 00:00 BST
    ),
    "the day the clocks go back has 25 hours": (
        "2027-10-30T23:10",  # Sunday 00:10 BST
        "2027-10-31T23:50",  # Sunday 23:50 GMT, 24 hours and 40 minutes later
        "2027-11-01T00:00",
    ),
    "New Year's Eve": ("2026-12-31T23:30", "2026-12-31T23:59", "2027-01-01T00:00"),
    "29 February": ("2028-02-29T00:05", "2028-02-29T23:59", "2028-03-01T00:00"),
}


def kudos_from_a_new_giver(post: Post) -> int:
    """Kudos on `post` from an established member, now; the points it paid its author."""
    services.kudos_give(giver=member_make(), post=post)
    entry = LedgerEntry.objects.filter(
        member_id=post.author_id, reason=Reason.KUDOS_ON_ANSWER
    ).latest("pk")
    return entry.points


@pytest.mark.parametrize(("capped", "same_day", "next_day"), CAP_DAYS.values(), ids=CAP_DAYS.keys())
def test_the_kudos_cap_counts_the_local_day(
    db: None, capped: str, same_day: str, next_day: str
) -> None:
    config = GamificationSettings.current()
    config.kudos_daily_cap = 20  # two answer kudos
    config.save()
    with time_machine.travel(utc(capped), tick=False):
        helper = member_make()
        post = answer(helper, ask(member_make(), board_make()))
        paid = [kudos_from_a_new_giver(post) for _ in range(3)]
    assert paid == [10, 10, 0]

    with time_machine.travel(utc(same_day), tick=False):
        assert kudos_from_a_new_giver(post) == 0
    with time_machine.travel(utc(next_day), tick=False):
        assert kudos_from_a_new_giver(post) == 10
        assert kudos_from_a_new_giver(post) == 10
        assert kudos_from_a_new_giver(post) == 0
