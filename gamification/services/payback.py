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
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from community.errors import Conflict
from community.models import Member
from gamification import events
from gamification.models import (
    CLAWBACK_ALLOWED,
    GamificationSettings,
    LedgerEntry,
    PayoutMethod,
    Reason,
    RewardPeriod,
    RewardPeriodStatus,
    Statement,
    StatementStatus,
)
from gamification.periods import days_window, payback_period_bounds
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
    start, end = days_window(period.start, period.end)
    rows = (
        LedgerEntry.objects.filter(created_at__gte=start, created_at__lt=end)
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


REVIEW_PERMISSION = "gamification.review_statement"


def _require_reviewer(member: Member) -> None:
    if not member.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied(_("Only staff who review payback may do this."))


def _approve_locked(locked: Statement, reviewer: Member) -> None:
    if locked.status in (StatementStatus.APPROVED, StatementStatus.PAID):
        raise Conflict(_("This statement is already approved."))
    if locked.status == StatementStatus.BELOW_MINIMUM:
        raise Conflict(_("This statement is below the minimum payout."))
    locked.status = StatementStatus.APPROVED
    locked.reviewed_by = reviewer
    locked.approved_at = timezone.now()
    locked.save(update_fields=["status", "reviewed_by", "approved_at"])


def statement_approve(*, statement: Statement, reviewer: Member) -> Statement:
    """Approve a statement awaiting review or flagged; 409 (Conflict) from any other status.

    Under a row lock: of two reviewers approving at once, one approves, the other is told.
    """
    _require_reviewer(reviewer)
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        _approve_locked(locked, reviewer)
    return locked


def statements_approve(
    *, statement_ids: list[int], reviewer: Member
) -> tuple[list[Statement], list[tuple[Statement, str]]]:
    """Approve several statements at once: (approved, [(refused, why)]).

    One transaction, the rows locked in id order (two bulk approvals cannot deadlock); a
    statement that cannot be approved is refused with its reason, the others go through.
    Ids that are not statements are ignored.
    """
    _require_reviewer(reviewer)
    approved: list[Statement] = []
    refused: list[tuple[Statement, str]] = []
    with transaction.atomic():
        rows = (
            Statement.objects.select_for_update(of=("self",))
            .select_related("member")
            .filter(pk__in=statement_ids)
            .order_by("pk")
        )
        for locked in rows:
            try:
                _approve_locked(locked, reviewer)
            except Conflict as conflict:
                refused.append((locked, conflict.message))
            else:
                approved.append(locked)
    return approved, refused


def statement_mark_paid(*, statement: Statement, actor: Member, reference: str) -> Statement:
    """Record that finance paid an approved statement, with the payout's reference.

    409 unless approved (and with a payout method chosen); 400 without a reference.
    """
    _require_reviewer(actor)
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": _("Enter the payout reference.")})
    if len(reference) > 100:
        raise ValidationError({"reference": _("The reference is at most 100 characters.")})
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.status == StatementStatus.PAID:
            raise Conflict(_("This statement is already paid."))
        if locked.status != StatementStatus.APPROVED:
            raise Conflict(_("Only an approved statement can be marked as paid."))
        if not locked.payout_method:
            raise Conflict(_("The member has not chosen a payout method yet."))
        locked.status = StatementStatus.PAID
        locked.paid_by = actor
        locked.paid_at = timezone.now()
        locked.payout_reference = reference
        locked.save(update_fields=["status", "paid_by", "paid_at", "payout_reference"])
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
        if locked.status == StatementStatus.PAID:
            raise Conflict(_("This statement is already paid."))
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


def clawback_source_prefix(statement_id: int) -> str:
    return f"statement:{statement_id}#"


def statement_clawback(
    *, statement: Statement, points: int, actor: Member, reason: str
) -> LedgerEntry:
    """Take back points found to be fraudulent after a statement was approved.

    The statement stays as it was; the clawback is a negative ledger row dated now, with who
    and why, shown in the member's history (they are notified) and netted against the
    running period. Under the statement's row lock: 409 unless approved or paid, and all
    the clawbacks of a statement together never take more than it paid.
    """
    _require_reviewer(actor)
    reason = reason.strip()
    errors: dict[str, str] = {}
    if points <= 0:
        errors["points"] = _("Claw back a positive number of points.")
    if not reason:
        errors["reason"] = _("Give the reason for the clawback.")
    elif len(reason) > 200:
        errors["reason"] = _("The reason is at most 200 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if locked.status not in CLAWBACK_ALLOWED:
            raise Conflict(_("Only an approved or paid statement can be clawed back."))
        prefix = clawback_source_prefix(locked.pk)
        taken = LedgerEntry.objects.filter(
            reason=Reason.CLAWBACK, member_id=locked.member_id, source__startswith=prefix
        )
        count = taken.count()
        already = -(taken.aggregate(total=Sum("points"))["total"] or 0)
        if already + points > locked.points:
            raise Conflict(
                _("At most %(left)s more points can be clawed back from this statement.")
                % {"left": locked.points - already}
            )
        entry = points_award(
            member_id=locked.member_id,
            reason=Reason.CLAWBACK,
            source=f"{prefix}{count + 1}",
            points=-points,
            actor_id=actor.pk,
            note=reason,
        )
        if entry is None:  # the source is new under the lock; never expected
            raise Conflict(_("This clawback was just recorded; reload the statement."))
    return entry
