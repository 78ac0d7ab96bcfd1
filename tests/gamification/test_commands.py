"""The management commands: gamification_rebuild, payback_close and badges_backfill."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from community.models import Member
from gamification.models import (
    BadgeAward,
    LedgerEntry,
    MemberScore,
    Reason,
    RewardPeriod,
    RewardPeriodStatus,
    Statement,
)
from gamification.services import ledger
from gamification.services.payback import reward_period_for
from tests.builders import answer, ask, board_make, member_make
from tests.gamification.helpers import local_time, score


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def award(member: Member, points: int, when: datetime | None = None) -> None:
    entry = ledger._insert(
        LedgerEntry(
            member=member,
            points=points,
            reason=Reason.KUDOS_ON_ANSWER,
            source=f"test:{points}:{when}",
            created_at=when or timezone.now(),
        )
    )
    assert entry is not None


# --- gamification_rebuild -------------------------------------------------------------------


@pytest.mark.django_db
def test_rebuild_reports_zero_differences_when_the_totals_agree() -> None:
    asker, helper = member_make(), member_make()
    answer(helper, ask(asker, board_make()))

    assert run("gamification_rebuild", "--check").strip() == "0 differences from the ledger."
    assert run("gamification_rebuild").strip() == "0 differences from the ledger."


@pytest.mark.django_db
def test_rebuild_check_lists_differences_exits_1_and_changes_nothing() -> None:
    member = member_make()
    award(member, 30)
    MemberScore.objects.filter(member=member).update(points=99)
    out = StringIO()

    with pytest.raises(SystemExit) as exited:
        call_command("gamification_rebuild", "--check", stdout=out)

    assert exited.value.code == 1
    assert f"member {member.pk}: total 99, ledger says 30" in out.getvalue()
    assert "1 differences from the ledger." in out.getvalue()
    assert score(member) == 99


@pytest.mark.django_db
def test_rebuild_without_check_fixes_the_differences_it_reports() -> None:
    member = member_make()
    award(member, 30)
    MemberScore.objects.filter(member=member).update(points=99)

    first = run("gamification_rebuild")

    assert f"member {member.pk}: total 99, ledger says 30" in first
    assert score(member) == 30
    assert run("gamification_rebuild", "--check").strip() == "0 differences from the ledger."


# --- payback_close --------------------------------------------------------------------------


@pytest.mark.django_db
def test_payback_close_closes_the_ended_periods_and_leaves_the_running_one_open() -> None:
    earner = member_make()
    award(earner, 700, local_time(2025, 3, 1))
    award(earner, 800, local_time(2025, 8, 1))
    winter = reward_period_for(date(2025, 3, 1))
    summer = reward_period_for(date(2025, 8, 1))

    out = run("payback_close", "--today", "2025-12-02")

    winter.refresh_from_db()
    summer.refresh_from_db()
    running = RewardPeriod.objects.get(start=date(2025, 12, 1))
    assert (winter.status, summer.status) == (RewardPeriodStatus.CLOSED,) * 2
    assert running.status == RewardPeriodStatus.OPEN
    assert {(s.period_id, s.points) for s in Statement.objects.all()} == {
        (winter.pk, 700),
        (summer.pk, 800),
    }
    assert "Closed 1 Dec 2024 – 31 May 2025: 1 statements." in out
    assert "Closed 1 Jun 2025 – 30 Nov 2025: 1 statements." in out


@pytest.mark.django_db
def test_payback_close_run_again_says_nothing_is_open_and_writes_nothing() -> None:
    award(member_make(), 700, local_time(2025, 3, 1))
    reward_period_for(date(2025, 3, 1))
    run("payback_close", "--today", "2025-06-01")

    out = run("payback_close", "--today", "2025-06-02")

    assert out.strip() == "No ended period is open."
    assert Statement.objects.count() == 1


@pytest.mark.django_db
def test_payback_close_on_the_last_day_of_a_period_closes_nothing() -> None:
    period = reward_period_for(date(2025, 5, 31))

    run("payback_close", "--today", "2025-05-31")

    period.refresh_from_db()
    assert period.status == RewardPeriodStatus.OPEN


@pytest.mark.django_db
def test_payback_close_with_a_bad_date_is_an_error() -> None:
    with pytest.raises(CommandError):
        call_command("payback_close", "--today", "31/05/2025")


# --- badges_backfill ------------------------------------------------------------------------


@pytest.mark.django_db
def test_badges_backfill_awards_badges_to_members_who_already_qualify() -> None:
    asker, helper = member_make(), member_make()
    answer(helper, ask(asker, board_make()))  # the receivers' after-commit evaluation never ran
    inactive = member_make(is_active=False)
    ask(inactive, board_make())
    assert not BadgeAward.objects.exists()

    out = run("badges_backfill")

    assert set(BadgeAward.objects.values_list("member_id", "badge")) == {
        (asker.pk, "first-question"),
        (helper.pk, "first-answer"),
    }
    assert out.strip() == "2 badges awarded."
    assert run("badges_backfill").strip() == "0 badges awarded."
