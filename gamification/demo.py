"""Gamification's part of the demo community: history in the right periods, statements, badges.

The demo's content is written through the community's services (so the ledger is real) and
then dated back, as if the community had been running for months. These steps date each
ledger row by the thing that earned it, rebuild the totals from the ledger, close the payback
periods that have ended into statements, and award the badges earned.
"""

from __future__ import annotations

from django.utils import timezone

from community.models import Kudos, Member, Post, Thread
from gamification.models import LedgerEntry, RewardPeriod, RewardPeriodStatus
from gamification.services.badges import badges_evaluate
from gamification.services.payback import reward_period_close, reward_period_for
from gamification.services.rebuild import gamification_rebuild


def _source_times() -> dict[str, object]:
    times: dict[str, object] = {}
    for pk, created in Thread.objects.values_list("pk", "created_at"):
        times[f"thread:{pk}"] = created
    for pk, created in Post.objects.values_list("pk", "created_at"):
        times[f"post:{pk}"] = times[f"fast:{pk}"] = created
    for pk, created in Kudos.objects.values_list("pk", "created_at"):
        times[f"kudos:{pk}"] = created
    for post_id, solved in Thread.objects.exclude(solution=None).values_list(
        "solution_id", "solved_at"
    ):
        times[f"solution:{post_id}#1"] = solved
    return times


def demo_history_ensure() -> None:
    times = _source_times()
    for entry in LedgerEntry.objects.filter(reverses__isnull=True):
        when = times.get(entry.source)
        if when is not None and when != entry.created_at:
            LedgerEntry.objects.filter(pk=entry.pk).update(created_at=when)
    gamification_rebuild(fix=True)
    today = timezone.localdate()
    for moment in LedgerEntry.objects.values_list("created_at", flat=True):
        reward_period_for(timezone.localdate(moment))
    reward_period_for(today)
    for period in RewardPeriod.objects.filter(status=RewardPeriodStatus.OPEN, end__lt=today):
        reward_period_close(period=period, today=today)


def demo_badges_ensure() -> None:
    for member_id in Member.objects.values_list("pk", flat=True):
        badges_evaluate(member_id=member_id)
