"""Payback: turning a closed period's points into statements, reviewing and paying them.

Money is only ever derived from the ledger of a closed period. Statements never change
after approval; a later fraud finding is a clawback row in the ledger, not an edit.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

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
from gamification.periods import payback_period_bounds
from gamification.services.ledger import points_award

METHOD_WINDOW = timedelta(days=30)
# Totals this far above the period's median are held for a person to look at.
OUTLIER_FACTOR = 20


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def reward_period_for(day: date) -> RewardPeriod:
    """The payback period containing `day`, created on first use."""
    start, end = payback_period_bounds(day)
    period, _created = RewardPeriod.objects.get_or_create(start=start, defaults={"end": end})
    return period


def period_points(*, period: RewardPeriod) -> dict[int, int]:
    """Each member's net points in the period, from the ledger."""
    rows = (
        LedgerEntry.objects.filter(
            created_at__gte=_day_start(period.start),
            created_at__lt=_day_start(period.end + timedelta(days=1)),
        )
        .values("member_id")
        .annotate(total=Sum("points"))
        .values_list("member_id", "total")
    )
    return {member_id: total for member_id, total in rows if total}


def reward_period_close(*, period: RewardPeriod, today: date | None = None) -> list[Statement]:
    """Close an ended period and write a statement per member who earned points.

    Safe to run twice: a closed period returns its statements and writes nothing.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = RewardPeriod.objects.select_for_update().get(pk=period.pk)
        if locked.status == RewardPeriodStatus.CLOSED:
            return list(locked.statements.all())
        if locked.end >= today:
            raise Conflict(
                _("This period runs until %(end)s; it can be closed from the next day.")
                % {"end": locked.end.isoformat()}
            )
        config = GamificationSettings.current()
        locked.point_value = config.point_value
        locked.currency = settings.BRAND_CURRENCY
        locked.minimum_payout = config.minimum_payout
        locked.method_deadline = today + METHOD_WINDOW
        locked.status = RewardPeriodStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.save()
        totals = period_points(period=locked)
        positive = sorted(p for p in totals.values() if p > 0)
        median = positive[len(positive) // 2] if positive else 0
        corrected = set(
            LedgerEntry.objects.filter(
                reason=Reason.VOTING_CORRECTED,
                created_at__gte=_day_start(locked.start),
                created_at__lt=_day_start(locked.end + timedelta(days=1)),
            ).values_list("member_id", flat=True)
        )
        statements = []
        for member_id, points in sorted(totals.items()):
            if points <= 0:
                continue
            amount = (Decimal(points) * config.point_value).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            status, flag = StatementStatus.PENDING, ""
            if amount < config.minimum_payout:
                status = StatementStatus.BELOW_MINIMUM
            elif member_id in corrected:
                status, flag = StatementStatus.FLAGGED, _("Kudos were corrected for serial voting.")
            elif median and points > OUTLIER_FACTOR * median:
                status, flag = StatementStatus.FLAGGED, _("Far above the period's usual earnings.")
            statement = Statement.objects.create(
                member_id=member_id,
                period=locked,
                points=points,
                amount=amount,
                currency=locked.currency,
                status=status,
                flag_reason=flag,
            )
            events.statement_ready.send(
                sender=Statement, statement_id=statement.pk, member_id=member_id
            )
            statements.append(statement)
    return statements


def reward_periods_close_ended(
    *, today: date | None = None
) -> list[tuple[RewardPeriod, list[Statement]]]:
    """Make sure the running period exists and close every open period that has ended.

    Oldest first, each in its own transaction (reward_period_close), so a failure leaves the
    earlier ones closed. Safe to run twice: nothing is open the second time.
    """
    today = today or timezone.localdate()
    reward_period_for(today)
    ended = RewardPeriod.objects.filter(status=RewardPeriodStatus.OPEN, end__lt=today)
    return [
        (period, reward_period_close(period=period, today=today))
        for period in ended.order_by("start")
    ]


def statement_approve(*, statement: Statement, reviewer: Member) -> Statement:
    if not reviewer.has_perm("gamification.change_statement"):
        raise PermissionDenied(_("Only staff can approve payback statements."))
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.status == StatementStatus.APPROVED:
            raise Conflict(_("This statement is already approved."))
        if locked.status == StatementStatus.BELOW_MINIMUM:
            raise Conflict(_("This statement is below the minimum payout."))
        locked.status = StatementStatus.APPROVED
        locked.reviewed_by = reviewer
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "reviewed_by", "approved_at"])
    return locked


def statement_choose_method(
    *, statement: Statement, member: Member, method: str, today: date | None = None
) -> Statement:
    """The member picks how to be paid, until the period's deadline."""
    if statement.member_id != member.pk:
        raise PermissionDenied(_("This is not your statement."))
    if method not in PayoutMethod.values:
        raise ValidationError({"payout_method": _("Choose account credit, cash or charity.")})
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = Statement.objects.select_for_update().select_related("period").get(pk=statement.pk)
        if locked.status == StatementStatus.BELOW_MINIMUM:
            raise Conflict(
                _("This statement is below the minimum payout, so there is nothing to pay.")
            )
        deadline = locked.period.method_deadline
        if deadline and today > deadline:
            raise Conflict(
                _("The deadline to choose a payout method was %(date)s.")
                % {"date": deadline.isoformat()}
            )
        locked.payout_method = method
        locked.save(update_fields=["payout_method"])
    return locked


def statement_clawback(
    *, statement: Statement, points: int, actor: Member, note: str
) -> LedgerEntry | None:
    """Take back points found to be fraudulent after a statement was approved.

    The statement stays as it was; the clawback is a negative ledger row today, shown in the
    member's history and netted against the current period.
    """
    if not actor.has_perm("gamification.change_statement"):
        # The same staff permission as approving (an existing message: no new translation).
        raise PermissionDenied(_("You don't have permission for this."))
    if points <= 0:
        raise ValidationError({"points": _("Claw back a positive number of points.")})
    count = LedgerEntry.objects.filter(
        Q(reason=Reason.CLAWBACK), source__startswith=f"statement:{statement.pk}#"
    ).count()
    return points_award(
        member_id=statement.member_id,
        reason=Reason.CLAWBACK,
        source=f"statement:{statement.pk}#{count + 1}",
        points=-points,
        actor_id=actor.pk,
        note=note[:200],
    )
