"""The demo community's points are real: earned through the services, dated like the content."""

from __future__ import annotations

from django.core.management import call_command

from gamification.models import (
    BadgeAward,
    LedgerEntry,
    RewardPeriod,
    RewardPeriodStatus,
    Statement,
    StatementStatus,
)
from gamification.services.rebuild import gamification_rebuild


def test_the_demo_has_a_closed_payback_period_with_a_statement_to_review(db: None) -> None:
    call_command("seed_demo", "--no-progress", stdout=None)
    call_command("seed_demo", "--no-progress", stdout=None)  # idempotent all the way through

    closed = RewardPeriod.objects.get(status=RewardPeriodStatus.CLOSED)
    assert Statement.objects.filter(period=closed, member__username="hannah").get().status == (
        StatementStatus.PENDING
    )
    assert RewardPeriod.objects.filter(status=RewardPeriodStatus.OPEN).count() == 1
    # Every statement is the ledger of its period, and the totals are the ledger.
    assert gamification_rebuild(fix=False).total == 0
    assert LedgerEntry.objects.filter(created_at__date__lte=closed.end).exists()
    assert BadgeAward.objects.filter(member__username="hannah", badge="first-solution").exists()
