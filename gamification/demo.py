"""Gamification's part of the demo community: history in the right periods, statements, badges.

The demo's content is written through the community's services (so the ledger is real) and
then dated back, as if the community had been running for months. These steps date each
ledger row by the thing that earned it, rebuild the totals from the ledger, close the payback
periods that have ended into statements, and award the badges earned.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from community.errors import Conflict
from community.models import Kudos, Member, Post, Thread
from gamification.models import (
    APPROVABLE,
    GamificationSettings,
    LedgerEntry,
    PayoutMethod,
    RewardPeriod,
    RewardPeriodStatus,
    Statement,
    StatementStatus,
)
from gamification.periods import payback_period_bounds
from gamification.services.badges import badges_evaluate
from gamification.services.payback import (
    reward_period_for,
    reward_periods_close_ended,
    statement_approve,
    statement_choose_method,
    statement_mark_paid,
)
from gamification.services.rebuild import gamification_rebuild


def demo_history_window(today: date) -> tuple[date, date]:
    """The payback period that closed last: the demo's history is what it pays out."""
    current_start, _end = payback_period_bounds(today)
    return payback_period_bounds(current_start - timedelta(days=1))


def _source_times(threads: QuerySet[Thread]) -> dict[str, datetime]:
    """When each thing that earns points happened, by its ledger source."""
    times: dict[str, datetime] = {}
    for pk, created in threads.values_list("pk", "created_at"):
        times[f"thread:{pk}"] = created
    for pk, created in Post.objects.filter(thread__in=threads).values_list("pk", "created_at"):
        times[f"post:{pk}"] = times[f"fast:{pk}"] = created
    kudos = Kudos.objects.filter(Q(thread__in=threads) | Q(post__thread__in=threads))
    for pk, created in kudos.values_list("pk", "created_at"):
        times[f"kudos:{pk}"] = created
    solved = threads.exclude(solution=None).exclude(solved_at=None)
    for post_id, solved_at in solved.values_list("solution_id", "solved_at").order_by():
        if solved_at is not None:
            times[f"solution:{post_id}#1"] = solved_at
    return times


def _ledger_date(threads: QuerySet[Thread]) -> None:
    times = _source_times(threads)
    entries = LedgerEntry.objects.filter(reverses__isnull=True, source__in=list(times))
    for pk, source, created in entries.values_list("pk", "source", "created_at"):
        if times[source] != created:
            LedgerEntry.objects.filter(pk=pk).update(created_at=times[source])


def demo_thread_dated(thread: Thread) -> None:
    """Date the points a demo question earned as the question, before the next is written.

    The kudos cap counts the points paid since local midnight: left at today's date, the
    history would use up today's cap, and the helpers would lose most of their kudos points.
    """
    _ledger_date(Thread.objects.filter(pk=thread.pk))


# A small community earns little: with this minimum the helpers' statements are payable, so
# the staff payback page has statements to approve and pay, not only hannah's.
DEMO_MINIMUM_PAYOUT = Decimal("1.00")


def demo_history_ensure() -> None:
    _ledger_date(Thread.objects.all())
    gamification_rebuild(fix=True)
    GamificationSettings.current()
    GamificationSettings.objects.filter(pk=1).update(minimum_payout=DEMO_MINIMUM_PAYOUT)
    today = timezone.localdate()
    days = {timezone.localdate(m) for m in LedgerEntry.objects.values_list("created_at", flat=True)}
    for start in sorted({payback_period_bounds(day)[0] for day in days}):
        reward_period_for(start)
    reward_periods_close_ended(today=today)


def demo_payback_review_ensure() -> None:
    """The staff payback page in several states: hannah's statement waits for review, the
    next largest is paid (the member chose cash, marco approved it, finance paid it), the
    one after approved (account credit) and waiting for payment; the rest are below the
    minimum. Idempotent: a statement already moved on is left as it is."""
    reviewer = Member.objects.filter(username="marco").first()
    period = (
        RewardPeriod.objects.filter(status=RewardPeriodStatus.CLOSED).order_by("-start").first()
    )
    if reviewer is None or period is None:
        return
    others = (
        Statement.objects.filter(period=period)
        .exclude(member__username="hannah")
        .exclude(status=StatementStatus.BELOW_MINIMUM)
        .select_related("member")
        .order_by("-amount", "pk")
    )
    plan = [(PayoutMethod.CASH, True), (PayoutMethod.ACCOUNT_CREDIT, False)]
    for statement, (method, pay) in zip(others, plan, strict=False):
        try:
            if statement.status in APPROVABLE:
                statement_choose_method(statement=statement, member=statement.member, method=method)
                statement = statement_approve(statement=statement, reviewer=reviewer)
            if pay and statement.status == StatementStatus.APPROVED:
                statement_mark_paid(
                    statement=statement, actor=reviewer, reference=f"DEMO-BACS-{statement.pk:04d}"
                )
        except Conflict:
            continue  # seeded again after the payout deadline: leave it as it is


def demo_badges_ensure() -> None:
    for member_id in Member.objects.values_list("pk", flat=True):
        badges_evaluate(member_id=member_id)
