"""Sanctions: a member suspended (no sign-in) or silenced (may read, may not post) for a
number of days, by a moderator; lifted early by a moderator or ended by the scheduler when
the time is up. Every change joins the moderation log and is announced, like any other
moderation action (support.moderation.services).

A suspension sets the member inactive (community.services.moderation_ops.member_suspend):
Django then refuses their sign-ins and API tokens and drops their sessions. A silence is a
record support answers about (support.moderation.selectors.member_is_silenced); the
community's posting check asks it (support.moderation.receivers.posting_refusal).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from community.errors import Conflict
from community.models import Member
from community.services import moderation_ops
from support.moderation.models import ModerationAction, Sanction
from support.moderation.services import (
    action_record,
    clean_reason,
    is_staff_member,
    require_moderator,
)

SANCTION_DAYS_MAX = 365
EXPIRED_REASON = "expired"  # the reason code of an ending by the scheduler (selectors render it)


def sanction_create(
    *, actor: Member, member: Member, kind: str, days: int, reason: str
) -> Sanction:
    """Suspend (no sign-in) or silence (read only) a member for `days` days."""
    require_moderator(actor)
    if kind not in Sanction.Kind.values:
        raise ValidationError({"kind": _("Choose suspend or silence.")})
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= SANCTION_DAYS_MAX:
        raise ValidationError(
            {"days": _("Choose from 1 to %(n)d days.") % {"n": SANCTION_DAYS_MAX}}
        )
    reason = clean_reason(reason, required=True)
    if member.pk == actor.pk:
        raise PermissionDenied(_("You can't sanction yourself."))
    if member.is_staff or is_staff_member(member):
        raise PermissionDenied(_("Staff can't be sanctioned here; ask an administrator."))
    now = timezone.now()
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()
        existing = (
            Sanction.objects.filter(member=member, kind=kind, lifted_at__isnull=True, until__gt=now)
            .order_by("-until")
            .first()
        )
        if existing is not None:
            raise Conflict(
                _("%(name)s is already under this sanction until %(until)s; lift it first.")
                % {
                    "name": member.name,
                    "until": date_format(timezone.localtime(existing.until), "DATETIME_FORMAT"),
                }
            )
        sanction = Sanction.objects.create(
            member=member, kind=kind, until=now + timedelta(days=days), reason=reason, by=actor
        )
        if kind == Sanction.Kind.SUSPEND:
            moderation_ops.member_suspend(member=member)
        action_record(
            kind=ModerationAction.Kind.SUSPEND
            if kind == Sanction.Kind.SUSPEND
            else ModerationAction.Kind.SILENCE,
            actor=actor,
            member_id=member.pk,
            reason=reason,
            data={"sanction": sanction.pk, "days": days, "until": sanction.until.isoformat()},
        )
    return sanction


def sanction_lift(
    *, actor: Member | None, sanction: Sanction, reason: str = "", now: datetime | None = None
) -> Sanction:
    """End a sanction before its time (a moderator), or as it runs out (actor None)."""
    if actor is not None:
        require_moderator(actor)
    reason = clean_reason(reason) if actor is not None else EXPIRED_REASON
    now = now or timezone.now()
    with transaction.atomic():
        locked = Sanction.objects.select_for_update().select_related("member").get(pk=sanction.pk)
        if locked.lifted_at is not None or (actor is not None and locked.until <= now):
            raise Conflict(_("This sanction is no longer in force."))
        locked.lifted_at = now if actor is not None else locked.until
        locked.save(update_fields=["lifted_at"])
        member = locked.member
        if locked.kind == Sanction.Kind.SUSPEND and not (
            Sanction.objects.filter(
                member=member, kind=Sanction.Kind.SUSPEND, lifted_at__isnull=True, until__gt=now
            ).exists()
        ):
            moderation_ops.member_unsuspend(member=member)
        action_record(
            kind=ModerationAction.Kind.LIFT,
            actor=actor,
            member_id=member.pk,
            reason=reason,
            data={"sanction": locked.pk, "kind": locked.kind},
        )
    sanction.lifted_at = locked.lifted_at
    return locked


def sanctions_expire(*, now: datetime | None = None) -> int:
    """End the sanctions whose time is up: suspended members may sign in again.

    Idempotent (an ended sanction has `lifted_at`), so the scheduler may run it every few
    minutes and twice at once. Returns how many ended.
    """
    now = now or timezone.now()
    ended = 0
    for sanction in Sanction.objects.filter(lifted_at__isnull=True, until__lte=now):
        try:
            sanction_lift(actor=None, sanction=sanction, now=now)
        except Conflict:
            continue
        ended += 1
    return ended
