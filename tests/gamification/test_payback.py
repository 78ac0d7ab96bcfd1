"""Payback: periods, closing them into statements from the ledger, review, payout choice
and clawback."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.errors import Conflict
from community.models import Member
from gamification import events
from gamification.models import (
    GamificationSettings,
    LedgerEntry,
    PayoutMethod,
    Reason,
    RewardPeriod,
    RewardPeriodStatus,
    Statement,
    StatementStatus,
)
from gamification.services import ledger
from gamification.services.payback import (
    reward_period_close,
    reward_period_for,
    statement_approve,
    statement_choose_method,
    statement_clawback,
)
from gamification.tasks import payback_close_ended
from tests.builders import member_make
from tests.gamification.helpers import capture, ledger_sum, local_time, score

WINTER = date(2025, 1, 15)  # in 1 December 2024 - 31 May 2025
CLOSING_DAY = date(2025, 6, 1)


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return local_time(year, month, day, hour, minute)


def earn(member: Member, points: int, when: datetime, reason: str = Reason.KUDOS_ON_ANSWER) -> None:
    entry = ledger._insert(
        LedgerEntry(
            member=member,
            points=points,
            reason=reason,
            source=f"test:{when.isoformat()}:{points}",
            created_at=when,
        )
    )
    assert entry is not None


def reviewer_make() -> Member:
    member = member_make(is_staff=True)
    member.user_permissions.add(Permission.objects.get(codename="review_statement"))
    return Member.objects.get(pk=member.pk)  # no cached permissions


@pytest.fixture
def period(db: None) -> RewardPeriod:
    return reward_period_for(WINTER)


# --- periods --------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2024, 12, 1), date(2024, 12, 1), date(2025, 5, 31)),
        (date(2024, 12, 31), date(2024, 12, 1), date(2025, 5, 31)),
        (date(2025, 1, 1), date(2024, 12, 1), date(2025, 5, 31)),
        (date(2025, 5, 31), date(2024, 12, 1), date(2025, 5, 31)),
        (date(2025, 6, 1), date(2025, 6, 1), date(2025, 11, 30)),
        (date(2025, 11, 30), date(2025, 6, 1), date(2025, 11, 30)),
        (date(2025, 12, 1), date(2025, 12, 1), date(2026, 5, 31)),
        (date(2028, 2, 29), date(2027, 12, 1), date(2028, 5, 31)),
    ],
)
def test_the_payback_period_of_a_day_runs_december_to_may_or_june_to_november(
    day: date, start: date, end: date
) -> None:
    period = reward_period_for(day)

    assert (period.start, period.end) == (start, end)
    assert period.status == RewardPeriodStatus.OPEN


@pytest.mark.django_db
def test_asking_for_the_period_of_two_days_in_it_gives_the_same_row() -> None:
    assert reward_period_for(date(2025, 7, 1)) == reward_period_for(date(2025, 10, 31))
    assert RewardPeriod.objects.count() == 1


# --- closing --------------------------------------------------------------------------------


def test_a_period_cannot_close_before_its_last_day_is_over(period: RewardPeriod) -> None:
    with pytest.raises(Conflict):
        reward_period_close(period=period, today=date(2025, 5, 31))

    period.refresh_from_db()
    assert period.status == RewardPeriodStatus.OPEN
    assert not Statement.objects.exists()


def test_closing_writes_one_statement_per_member_with_points_from_that_periods_ledger_only(
    period: RewardPeriod,
) -> None:
    earner, small, nothing, negative = member_make(), member_make(), member_make(), member_make()
    # Inside, to the minute at both ends.
    earn(earner, 400, local(2024, 12, 1, 0, 0))
    earn(earner, 212, local(2025, 5, 31, 23, 59))
    # Outside, a minute either side: not counted.
    earn(earner, 1000, local(2024, 11, 30, 23, 59))
    earn(earner, 1000, local(2025, 6, 1, 0, 0))
    earn(small, 321, local(2025, 2, 1))
    earn(small, -21, local(2025, 3, 1), reason=Reason.KUDOS_WITHDRAWN)
    earn(nothing, 50, local(2025, 2, 1))
    earn(nothing, -50, local(2025, 2, 2), reason=Reason.CONTENT_REMOVED)
    earn(negative, -40, local(2025, 2, 2), reason=Reason.CLAWBACK)

    with capture(events.statement_ready) as sent:
        statements = reward_period_close(period=period, today=CLOSING_DAY)

    assert {s.member_id: (s.points, s.amount, s.status) for s in statements} == {
        earner.pk: (612, Decimal("6.12"), StatementStatus.PENDING),
        small.pk: (300, Decimal("3.00"), StatementStatus.BELOW_MINIMUM),
    }
    assert all(s.currency == "GBP" for s in statements)
    assert sorted(s["member_id"] for s in sent) == sorted([earner.pk, small.pk])
    period.refresh_from_db()
    assert period.status == RewardPeriodStatus.CLOSED
    assert period.closed_at is not None
    assert (period.point_value, period.currency, period.minimum_payout) == (
        Decimal("0.0100"),
        "GBP",
        Decimal("5.00"),
    )
    assert period.method_deadline == CLOSING_DAY + timedelta(days=30)


def test_amounts_are_points_times_the_point_value_rounded_half_up_to_the_penny(
    period: RewardPeriod,
) -> None:
    config = GamificationSettings.current()
    config.point_value = Decimal("0.0125")
    config.save()
    down, up = member_make(), member_make()
    earn(down, 501, local(2025, 1, 2))  # 6.2625
    earn(up, 502, local(2025, 1, 2))  # 6.275

    statements = reward_period_close(period=period, today=CLOSING_DAY)

    assert {s.member_id: s.amount for s in statements} == {
        down.pk: Decimal("6.26"),
        up.pk: Decimal("6.28"),
    }


def test_members_whose_kudos_were_corrected_for_serial_voting_are_flagged(
    period: RewardPeriod,
) -> None:
    corrected, honest = member_make(), member_make()
    earn(corrected, 700, local(2025, 1, 2))
    earn(corrected, -100, local(2025, 1, 3), reason=Reason.VOTING_CORRECTED)
    earn(honest, 600, local(2025, 1, 2))

    statements = {s.member_id: s for s in reward_period_close(period=period, today=CLOSING_DAY)}

    assert statements[corrected.pk].status == StatementStatus.FLAGGED
    assert statements[corrected.pk].flag_reason == "Kudos were corrected for serial voting."
    assert statements[corrected.pk].points == 600
    assert statements[honest.pk].status == StatementStatus.PENDING


def test_a_total_far_above_the_periods_usual_earnings_is_flagged(period: RewardPeriod) -> None:
    usual = [member_make() for _ in range(3)]
    for member in usual:
        earn(member, 500, local(2025, 1, 2))
    outlier = member_make()
    earn(outlier, 20_000, local(2025, 1, 2))

    statements = {s.member_id: s for s in reward_period_close(period=period, today=CLOSING_DAY)}

    assert statements[outlier.pk].status == StatementStatus.FLAGGED
    assert all(statements[m.pk].status == StatementStatus.PENDING for m in usual)


def test_closing_a_closed_period_again_writes_nothing_new(period: RewardPeriod) -> None:
    member = member_make()
    earn(member, 600, local(2025, 1, 2))
    first = reward_period_close(period=period, today=CLOSING_DAY)
    # Late ledger rows dated inside the period don't reopen it.
    earn(member_make(), 900, local(2025, 1, 3))

    with capture(events.statement_ready) as sent:
        again = reward_period_close(period=period, today=CLOSING_DAY + timedelta(days=3))

    assert [s.pk for s in again] == [s.pk for s in first]
    assert Statement.objects.count() == 1
    assert sent == []


# --- review ---------------------------------------------------------------------------------


@pytest.fixture
def statement(period: RewardPeriod) -> Statement:
    member = member_make()
    earn(member, 600, local(2025, 1, 2))
    [statement] = reward_period_close(period=period, today=CLOSING_DAY)
    return statement


def test_staff_with_the_permission_approve_a_statement(statement: Statement) -> None:
    reviewer = reviewer_make()

    approved = statement_approve(statement=statement, reviewer=reviewer)

    assert approved.status == StatementStatus.APPROVED
    assert approved.reviewed_by == reviewer
    assert approved.approved_at is not None
    statement.refresh_from_db()
    assert statement.status == StatementStatus.APPROVED


def test_a_superuser_may_approve(statement: Statement) -> None:
    admin = member_make(is_staff=True, is_superuser=True)

    assert statement_approve(statement=statement, reviewer=admin).status == "approved"


def test_a_plain_member_may_not_approve_even_their_own_statement(statement: Statement) -> None:
    with pytest.raises(PermissionDenied):
        statement_approve(statement=statement, reviewer=statement.member)
    with pytest.raises(PermissionDenied):
        statement_approve(statement=statement, reviewer=member_make(is_staff=True))

    statement.refresh_from_db()
    assert statement.status == StatementStatus.PENDING


def test_an_approved_statement_is_frozen(statement: Statement) -> None:
    reviewer = reviewer_make()
    statement_approve(statement=statement, reviewer=reviewer)

    with pytest.raises(Conflict):
        statement_approve(statement=statement, reviewer=reviewer_make())

    statement.refresh_from_db()
    assert statement.reviewed_by == reviewer


def test_a_statement_below_the_minimum_cannot_be_approved(period: RewardPeriod) -> None:
    earn(member_make(), 100, local(2025, 1, 2))
    [small] = reward_period_close(period=period, today=CLOSING_DAY)

    with pytest.raises(Conflict):
        statement_approve(statement=small, reviewer=reviewer_make())


def test_a_flagged_statement_can_be_approved_after_review(period: RewardPeriod) -> None:
    member = member_make()
    earn(member, 700, local(2025, 1, 2))
    earn(member, -10, local(2025, 1, 3), reason=Reason.VOTING_CORRECTED)
    [flagged] = reward_period_close(period=period, today=CLOSING_DAY)

    assert statement_approve(statement=flagged, reviewer=reviewer_make()).status == "approved"


# --- choosing how to be paid ----------------------------------------------------------------


def test_the_member_chooses_a_payout_method_before_the_deadline(statement: Statement) -> None:
    deadline = CLOSING_DAY + timedelta(days=30)

    chosen = statement_choose_method(
        statement=statement, member=statement.member, method=PayoutMethod.CHARITY, today=deadline
    )

    assert chosen.payout_method == PayoutMethod.CHARITY
    statement.refresh_from_db()
    assert statement.payout_method == PayoutMethod.CHARITY


def test_choosing_after_the_deadline_is_a_conflict(statement: Statement) -> None:
    with pytest.raises(Conflict):
        statement_choose_method(
            statement=statement,
            member=statement.member,
            method=PayoutMethod.CASH,
            today=CLOSING_DAY + timedelta(days=31),
        )

    statement.refresh_from_db()
    assert statement.payout_method == ""


def test_nobody_chooses_for_someone_elses_statement(statement: Statement) -> None:
    with pytest.raises(PermissionDenied):
        statement_choose_method(
            statement=statement, member=member_make(), method=PayoutMethod.CASH, today=CLOSING_DAY
        )


def test_an_unknown_payout_method_is_a_validation_error(statement: Statement) -> None:
    with pytest.raises(ValidationError):
        statement_choose_method(
            statement=statement, member=statement.member, method="bitcoin", today=CLOSING_DAY
        )


def test_a_statement_below_the_minimum_has_nothing_to_choose(period: RewardPeriod) -> None:
    member = member_make()
    earn(member, 100, local(2025, 1, 2))
    [small] = reward_period_close(period=period, today=CLOSING_DAY)

    with pytest.raises(Conflict):
        statement_choose_method(
            statement=small, member=member, method=PayoutMethod.CASH, today=CLOSING_DAY
        )


# --- clawback -------------------------------------------------------------------------------


def test_a_clawback_is_a_negative_ledger_row_and_leaves_the_statement_untouched(
    statement: Statement,
) -> None:
    reviewer = reviewer_make()
    approved = statement_approve(statement=statement, reviewer=reviewer)
    before = score(statement.member)

    entry = statement_clawback(
        statement=approved, points=120, actor=reviewer, reason="Sock puppets"
    )

    assert entry is not None
    assert (entry.reason, entry.points, entry.source) == (
        Reason.CLAWBACK,
        -120,
        f"statement:{statement.pk}#1",
    )
    assert (entry.actor_id, entry.note) == (reviewer.pk, "Sock puppets")
    assert score(statement.member) == before - 120 == ledger_sum(statement.member)
    statement.refresh_from_db()
    assert (statement.points, statement.amount, statement.status) == (
        600,
        Decimal("6.00"),
        StatementStatus.APPROVED,
    )


def test_a_second_clawback_on_one_statement_is_its_own_row(statement: Statement) -> None:
    reviewer = reviewer_make()
    statement_approve(statement=statement, reviewer=reviewer)
    statement_clawback(statement=statement, points=10, actor=reviewer, reason="first")

    second = statement_clawback(statement=statement, points=20, actor=reviewer, reason="second")

    assert second is not None and second.source == f"statement:{statement.pk}#2"
    assert ledger_sum(statement.member, reason=Reason.CLAWBACK) == -30


def test_only_staff_with_the_permission_may_claw_back(statement: Statement) -> None:
    for someone in (statement.member, member_make(), member_make(is_staff=True)):
        with pytest.raises(PermissionDenied):
            statement_clawback(statement=statement, points=10, actor=someone, reason="x")

    assert not LedgerEntry.objects.filter(reason=Reason.CLAWBACK).exists()


def test_a_clawback_must_take_a_positive_number_of_points(statement: Statement) -> None:
    with pytest.raises(ValidationError):
        statement_clawback(statement=statement, points=0, actor=reviewer_make(), reason="x")
    assert not LedgerEntry.objects.filter(reason=Reason.CLAWBACK).exists()


# --- the daily task -------------------------------------------------------------------------


def test_the_daily_task_closes_periods_that_ended_before_today(period: RewardPeriod) -> None:
    earn(member_make(), 600, local(2025, 1, 2))
    today = timezone.localdate()

    closed = payback_close_ended.delay().get()

    period.refresh_from_db()
    assert closed >= 1
    assert period.status == RewardPeriodStatus.CLOSED
    assert Statement.objects.filter(period=period).count() == 1
    running = RewardPeriod.objects.get(start__lte=today, end__gte=today)
    assert running.status == RewardPeriodStatus.OPEN
    assert payback_close_ended.delay().get() == 0
