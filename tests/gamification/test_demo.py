"""The demo community tells the same story whatever the date it is seeded on.

The story: the payback period that closed last has a statement above the minimum payout
waiting for review (hannah's), the current period is open, the last days had activity (the
staff dashboard's 7, 30 and 90-day views are not empty), and each member's inbox has a
handful of unread notifications. The demo's points are real: earned through the services,
dated like the content.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from community.demo import DEMO_THREADS
from community.models import Member, Thread
from gamification.models import (
    BadgeAward,
    LedgerEntry,
    RewardPeriod,
    RewardPeriodStatus,
    Statement,
    StatementStatus,
)
from gamification.periods import payback_period_bounds
from gamification.services.rebuild import gamification_rebuild
from notifications.demo import UNREAD_AT_MOST
from notifications.models import Kind, Notification
from support.insights.selectors import PERIODS, dashboard_metrics

# The community's time zone is Europe/London (UTC+0 in winter, UTC+1 in summer).
DATES = {
    "today": None,  # the real date the suite runs on (or the one MUTUA_TEST_NOW pins)
    "first minute of a winter period": "2026-12-01T00:00:00+00:00",
    "first minute of a summer period": "2027-06-01T00:00:00+01:00",
    "last minute of a summer period": "2027-11-30T23:59:00+00:00",
    "last minute of a winter period": "2027-05-31T23:59:00+01:00",
    "29 February": "2028-02-29T12:00:00+00:00",
    "New Year's Eve": "2026-12-31T23:30:00+00:00",
    "clocks go forward": "2027-03-28T01:30:00+00:00",
    "clocks go back": "2027-10-31T01:30:00+00:00",
}
CUSTOMERS = ["chiara", "priya", "tom", "luca", "sofia", "hannah"]


@contextmanager
def clock(when: str | None) -> Iterator[None]:
    if when is None:
        yield
        return
    with time_machine.travel(datetime.fromisoformat(when), tick=True):
        yield


def seed() -> None:
    call_command("seed_demo", "--no-progress", stdout=None)


@pytest.mark.parametrize("when", DATES.values(), ids=DATES.keys())
def test_the_demo_tells_its_story_on_any_date(db: None, when: str | None) -> None:
    with clock(when):
        seed()
        today = timezone.localdate()
        current_start, current_end = payback_period_bounds(today)
        closed_start, closed_end = payback_period_bounds(current_start - timedelta(days=1))

        # The period that closed last, closed, with hannah's statement above the minimum
        # waiting for a reviewer; the current period open; nothing else.
        periods = {(p.start, p.end, p.status) for p in RewardPeriod.objects.all()}
        assert periods == {
            (closed_start, closed_end, RewardPeriodStatus.CLOSED),
            (current_start, current_end, RewardPeriodStatus.OPEN),
        }
        closed = RewardPeriod.objects.get(status=RewardPeriodStatus.CLOSED)
        statement = Statement.objects.get(period=closed, member__username="hannah")
        assert statement.status == StatementStatus.PENDING
        assert closed.minimum_payout is not None
        assert statement.amount > closed.minimum_payout
        assert closed.method_deadline is not None and closed.method_deadline > today
        # The staff payback page shows statements in several states: one paid (with its
        # reference), one approved awaiting payment, hannah's (and another helper's) awaiting
        # review, the rest below the minimum.
        states = dict(
            Statement.objects.filter(period=closed)
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        assert states[StatementStatus.PAID] == 1
        assert states[StatementStatus.APPROVED] == 1
        assert states[StatementStatus.PENDING] >= 1
        assert Statement.objects.get(period=closed, member__username="hannah").status == (
            StatementStatus.PENDING
        )
        assert states[StatementStatus.BELOW_MINIMUM] >= 1
        paid = Statement.objects.get(period=closed, status=StatementStatus.PAID)
        assert paid.payout_reference and paid.payout_method and paid.paid_by is not None

        # The history is what the closed period pays; the rest happened in the last day.
        now = timezone.now()
        for created in Thread.objects.values_list("created_at", flat=True):
            day = timezone.localdate(created)
            assert closed_start <= day <= closed_end or now - created < timedelta(days=1)
        recent = sum(spec.is_recent for spec in DEMO_THREADS)
        assert Thread.objects.filter(created_at__gte=now - timedelta(days=1)).count() == recent
        history = Thread.objects.filter(created_at__lt=now - timedelta(days=1))
        assert history.count() == Thread.objects.count() - recent > 20
        # Each historic question with its answers, kudos and solution, on one local day.
        for thread in history.exclude(solution=None):
            assert thread.solved_at is not None
            assert timezone.localdate(thread.solved_at) == timezone.localdate(thread.created_at)
        assert LedgerEntry.objects.filter(created_at__lt=now - timedelta(days=1)).count() > 100

        # The staff dashboard has something to show in each of its views.
        for days in PERIODS:
            metrics = dashboard_metrics(days=days)
            assert metrics.questions >= 4, days
            assert metrics.answered >= 2, days
            assert metrics.solved >= 1, days
            assert [helper.member.username for helper in metrics.top_helpers] != [], days

        # A handful of unread notifications each, as a member who visits would have;
        # hannah's statement among them.
        for username in CUSTOMERS:
            unread = Notification.objects.filter(recipient__username=username, read_at=None)
            assert 1 <= unread.count() <= UNREAD_AT_MOST, username
            assert Notification.objects.filter(recipient__username=username).count() > (
                unread.count()
            )
        assert Notification.objects.filter(
            recipient__username="hannah", kind=Kind.STATEMENT, read_at=None
        ).exists()
        assert not Notification.objects.filter(read_at__gt=now).exists()

        # Every statement is the ledger of its period, and the totals are the ledger.
        assert gamification_rebuild(fix=False).total == 0
        assert BadgeAward.objects.filter(member__username="hannah", badge="first-solution").exists()


def _state() -> list[object]:
    return [
        sorted(RewardPeriod.objects.values_list("start", "status")),
        sorted(Statement.objects.values_list("member__username", "points", "status")),
        sorted(LedgerEntry.objects.values_list("member__username", "source", "created_at")),
        sorted(Notification.objects.values_list("pk", "created_at", "read_at")),
        BadgeAward.objects.count(),
        Member.objects.count(),
    ]


@pytest.mark.parametrize(
    "when",
    [None, DATES["first minute of a summer period"], DATES["29 February"]],
    ids=["today", "first minute of a period", "29 February"],
)
def test_seeding_the_demo_again_changes_nothing(db: None, when: str | None) -> None:
    with clock(when):
        seed()
        before = _state()
        seed()
        assert _state() == before


def test_tom_starts_as_a_newcomer_who_never_solved_anything(db: None) -> None:
    # The gamification browser journey takes tom from Newcomer to Member with one solution.
    seed()
    tom = Member.objects.get(username="tom")
    points = sum(LedgerEntry.objects.filter(member=tom).values_list("points", flat=True))

    assert not Thread.objects.filter(solution__author=tom).exists()
    assert not BadgeAward.objects.filter(member=tom, badge="first-solution").exists()
    assert 0 < points < 50
