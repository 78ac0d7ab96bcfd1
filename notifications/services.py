"""Writing notifications: store, group, push after commit, email after commit.

Also the member's delivery choices (preference_set, email_settings_update) and the two
email workflows the Celery tasks run (notification_email_send, digest_send); the words and
layout of the emails live in notifications.emails.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from allauth.account.models import EmailAddress
from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Member
from config.prepared import Prepared
from notifications import emails
from notifications.models import (
    IMMEDIATE_EMAIL_KINDS,
    Channel,
    EmailOutbox,
    EmailSettings,
    Kind,
    Notification,
    Preference,
    default_channel,
)
from notifications.realtime import member_group, send_event_on_commit

logger = logging.getLogger(__name__)


def channel_for(*, member_id: int, kind: str) -> str:
    chosen = Preference.objects.filter(member_id=member_id, kind=kind).values_list(
        "channel", flat=True
    )
    return chosen.first() or default_channel(kind)


def notify(
    *,
    recipient_id: int,
    kind: str,
    actor_id: int | None = None,
    url: str = "",
    data: dict[str, Any] | None = None,
    group_key: str = "",
) -> Notification | None:
    """Store a notification for one member and deliver it after commit, as they prefer.

    Nobody is notified of their own action. With a `group_key`, an unread notification of
    the same group is replaced by one that counts both ("Anna and 3 others"), under a new id
    so clients asking for "everything after id N" receive it.
    """
    if actor_id is not None and actor_id == recipient_id:
        return None
    channel = channel_for(member_id=recipient_id, kind=kind)
    if channel == Channel.NONE:
        return None
    data = dict(data or {})
    count = 1
    with transaction.atomic():
        if group_key:
            previous = (
                Notification.objects.select_for_update()
                .filter(recipient_id=recipient_id, group_key=group_key, read_at__isnull=True)
                .first()
            )
            if previous is not None:
                count = previous.count + 1
                previous.delete()
        notification = Notification.objects.create(
            recipient_id=recipient_id,
            kind=kind,
            actor_id=actor_id,
            url=url,
            data=data,
            group_key=group_key,
            count=count,
            # Email-only notifications are history, not something waiting on the site.
            read_at=timezone.now() if channel == Channel.EMAIL else None,
        )
        if channel in {Channel.SITE, Channel.BOTH}:
            send_event_on_commit(
                member_group(recipient_id),
                {"type": "notification.new", "id": notification.pk},
            )
        if channel in {Channel.EMAIL, Channel.BOTH} and kind in IMMEDIATE_EMAIL_KINDS:
            # The outbox row commits with the notification: the email is owed even if the
            # task below can't be queued (Redis down); the sweep sends it later.
            EmailOutbox.objects.create(notification=notification)
            _email_on_commit(notification.pk)
    return notification


def notify_many(
    *, recipient_ids: Iterable[int], kind: str, actor_id: int | None = None, **kwargs: Any
) -> list[Notification]:
    sent = []
    for recipient_id in dict.fromkeys(recipient_ids):
        notification = notify(recipient_id=recipient_id, kind=kind, actor_id=actor_id, **kwargs)
        if notification is not None:
            sent.append(notification)
    return sent


def _email_on_commit(notification_id: int) -> None:
    def schedule() -> None:
        # By name from Celery's registry: notifications.tasks imports this module, so
        # importing it back would make a cycle.
        try:
            current_app.tasks["notifications.outbox_deliver"].delay(notification_id)
        except Exception:  # noqa: BLE001 - a broker outage must not fail the request
            # The outbox row is committed: the sweep sends it once a worker runs again.
            logger.warning(
                "could not queue the email of notification %s; the outbox sweep will send it",
                notification_id,
                exc_info=True,
            )

    transaction.on_commit(schedule)


def _unread(member_id: int) -> QuerySet[Any]:
    return (
        Notification.objects.filter(recipient_id=member_id, read_at__isnull=True)
        .values("recipient_id")
        .annotate(unread=Count("*"))
        .order_by()
    )


# The bell's count is on every page a member sees: its SQL is compiled once per process
# (config/prepared.py), 0.1 ms a page rather than 0.4.
_UNREAD = Prepared(_unread)


def unread_count(*, member_id: int) -> int:
    rows = _UNREAD.rows(member_id)
    return int(rows[0][1]) if rows else 0


# The bell's count on a member's page needs no query of its own: the session's member read
# brings it along (community.managers.bring_along, registered in NotificationsConfig.ready).
UNREAD_BROUGHT = "notifications_unread_brought"


def unread_expression() -> BaseExpression:
    """The unread count of the member whose row is being read, as an expression on it."""
    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(unread=Count("*"))
        .values("unread")
    )
    return Coalesce(Subquery(unread), 0)


def member_unread_count(member: Any) -> int:
    """The member's unread count: brought along by their read when it was, or counted."""
    brought = getattr(member, UNREAD_BROUGHT, None)
    return int(brought) if brought is not None else unread_count(member_id=member.pk)


def notifications_mark_read(
    *, member_id: int, ids: Iterable[int] | None = None, everything: bool = False
) -> int:
    """Mark some (ids) or all of a member's notifications read; returns the unread count.

    Ids that aren't the member's are ignored, so nobody can touch another member's inbox.
    """
    unread = Notification.objects.filter(recipient_id=member_id, read_at__isnull=True)
    if not everything:
        unread = unread.filter(pk__in=list(ids or []))
    unread.update(read_at=timezone.now())
    count = unread_count(member_id=member_id)
    send_event_on_commit(member_group(member_id), {"type": "notification.read", "unread": count})
    return count


def email_settings_for(member_id: int) -> EmailSettings:
    settings_row, _created = EmailSettings.objects.get_or_create(member_id=member_id)
    return settings_row


# --- preferences ----------------------------------------------------------------------------


def channels_for(*, member_id: int) -> dict[str, str]:
    """Every kind's channel for the member: their choice, or the default."""
    chosen = dict(Preference.objects.filter(member_id=member_id).values_list("kind", "channel"))
    return {kind: chosen.get(kind) or default_channel(kind) for kind in Kind.values}


def _check_preference(kind: Any, channel: Any) -> None:
    if kind not in Kind.values:
        raise ValidationError(
            {"kind": [_("“%(kind)s” is not a kind of notification.") % {"kind": kind}]}
        )
    if channel not in Channel.values:
        raise ValidationError(
            {"channel": [_("“%(channel)s” is not a way to notify.") % {"channel": channel}]}
        )


def preference_set(*, member_id: int, kind: str, channel: str) -> None:
    """Choose how the member hears about one kind of notification.

    Only choices that differ from the default are stored ("no row: the default"), so a
    member who never changed a kind follows the default if it changes later.
    """
    _check_preference(kind, channel)
    if channel == default_channel(kind):
        Preference.objects.filter(member_id=member_id, kind=kind).delete()
    else:
        Preference.objects.update_or_create(
            member_id=member_id, kind=kind, defaults={"channel": channel}
        )


def preferences_update(*, member_id: int, channels: Mapping[str, str]) -> None:
    """Set several kinds at once: all of them, or none if any choice is invalid."""
    for kind, channel in channels.items():
        _check_preference(kind, channel)
    with transaction.atomic():
        for kind, channel in channels.items():
            preference_set(member_id=member_id, kind=kind, channel=channel)


def email_settings_update(
    *, member_id: int, digest: bool | None = None, unsubscribed: bool | None = None
) -> EmailSettings:
    """Switch the daily digest, and unsubscribe from (or come back to) all email.

    None leaves a switch as it is. Unsubscribing twice keeps the first time.
    """
    for field, value in (("digest", digest), ("unsubscribed", unsubscribed)):
        if value is not None and not isinstance(value, bool):
            raise ValidationError({field: [_("Must be true or false.")]})
    with transaction.atomic():
        email_settings_for(member_id)
        row = EmailSettings.objects.select_for_update().get(member_id=member_id)
        if digest is not None:
            row.digest = digest
        if unsubscribed is True and row.unsubscribed_at is None:
            row.unsubscribed_at = timezone.now()
        elif unsubscribed is False:
            row.unsubscribed_at = None
        row.save(update_fields=["digest", "unsubscribed_at"])
    return row


def verified_address(*, member_id: int) -> str | None:
    """The member's confirmed primary address, the only one we ever write to."""
    address: str | None = (
        EmailAddress.objects.filter(user_id=member_id, primary=True, verified=True)
        .values_list("email", flat=True)
        .first()
    )
    return address


# --- email ----------------------------------------------------------------------------------


def notification_email_send(*, notification_id: int) -> bool:
    """Email one notification at once, if the member still wants it. Safe to run twice.

    Sent once: the row is locked and `emailed_at` set in the transaction that sends, so a
    second run (a retry, a duplicate delivery) finds it set and does nothing. (Only a crash
    between the mail server taking the email and the commit could send it twice; nothing is
    ever marked sent that wasn't.) Nothing
    is sent, and `emailed_at` stays empty, when the row is gone (kudos regrouped it), the
    member has since chosen "site" or "none" for the kind, unsubscribed from all email, or
    has no confirmed address. A failing mail server raises, rolls back and lets the task
    retry.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.emailed_at is not None:
            return False
        member_id = notification.recipient_id
        channel = channel_for(member_id=member_id, kind=notification.kind)
        if channel not in {Channel.EMAIL, Channel.BOTH}:
            return False
        settings_row = EmailSettings.objects.filter(member_id=member_id).first()
        if settings_row is not None and settings_row.unsubscribed_at is not None:
            return False
        address = verified_address(member_id=member_id)
        if address is None:
            return False
        emails.notification_message(notification=notification, to=address).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


# The outbox: a failed attempt (the mail server down) waits this long, doubling each time,
# up to OUTBOX_MAX_DELAY; after OUTBOX_MAX_ATTEMPTS the row is left for staff to look at.
OUTBOX_RETRY_DELAY = timedelta(minutes=1)
OUTBOX_MAX_DELAY = timedelta(hours=1)
OUTBOX_MAX_ATTEMPTS = 10
# The sweep leaves rows younger than this to the task queued when they were written.
OUTBOX_SWEEP_GRACE = timedelta(seconds=30)
OUTBOX_SWEEP_BATCH = 200


def outbox_deliver(*, notification_id: int) -> bool:
    """Send one outgoing email, exactly once; True if this call dealt with it.

    The row is claimed with SELECT ... FOR UPDATE SKIP LOCKED and marked delivered in the
    transaction that sends: a second worker on the same row (the queued task and the sweep,
    two sweeps, a redelivered task) skips it while it is being sent and finds it delivered
    afterwards. Only a crash between the mail server taking the email and the commit could
    send it twice. A failing mail server (OSError) counts an attempt and schedules the next.
    """
    with transaction.atomic():
        row = (
            EmailOutbox.objects.select_for_update(skip_locked=True)
            .filter(notification_id=notification_id, delivered_at__isnull=True)
            .first()
        )
        if row is None:
            return False
        try:
            with transaction.atomic():
                sent = notification_email_send(notification_id=notification_id)
        except OSError as exc:
            row.attempts += 1
            delay = min(OUTBOX_RETRY_DELAY * 2 ** (row.attempts - 1), OUTBOX_MAX_DELAY)
            row.next_attempt_at = timezone.now() + delay
            row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            row.save(update_fields=["attempts", "next_attempt_at", "last_error"])
            logger.warning("could not send outgoing email %s: %s", row.pk, exc)
            return False
        row.attempts += 1
        row.delivered_at = timezone.now()
        row.sent = sent
        row.save(update_fields=["attempts", "delivered_at", "sent"])
    return True


def outbox_waiting_ids(*, now: datetime | None = None) -> list[int]:
    """The notifications whose emails the sweep should try now, oldest first."""
    now = now or timezone.now()
    return list(
        EmailOutbox.objects.filter(
            delivered_at__isnull=True,
            next_attempt_at__lte=now,
            created_at__lte=now - OUTBOX_SWEEP_GRACE,
            attempts__lt=OUTBOX_MAX_ATTEMPTS,
        )
        .order_by("pk")
        .values_list("notification_id", flat=True)[:OUTBOX_SWEEP_BATCH]
    )


def outbox_sweep(*, now: datetime | None = None) -> int:
    """Send what the outbox still owes (its tasks were never queued, or were lost); returns
    how many this call delivered. Safe to run in several workers at once."""
    return sum(outbox_deliver(notification_id=pk) for pk in outbox_waiting_ids(now=now))


# A first digest looks back a day; a member back after a long pause gets the last week,
# not months of history; and each run overlaps the last by an hour, because `created_at`
# is taken before a row commits (a row stamped just before the last run but committed just
# after it would fall between two runs). `emailed_at` keeps the overlap from repeating.
DIGEST_FIRST_WINDOW = timedelta(days=1)
DIGEST_LOOKBACK = timedelta(days=7)
DIGEST_OVERLAP = timedelta(hours=1)
# The email lists this many; the rest are counted and linked to the inbox.
DIGEST_MAX_ITEMS = 50


def _digest_since(settings_row: EmailSettings, now: datetime) -> datetime:
    start = (
        settings_row.last_digest_at - DIGEST_OVERLAP
        if settings_row.last_digest_at
        else now - DIGEST_FIRST_WINDOW
    )
    return max(start, now - DIGEST_LOOKBACK)


def digest_recipient_ids(*, now: datetime | None = None) -> list[int]:
    """Members who may be due a daily email: something not yet emailed in the last week, an
    active account, a confirmed address, not unsubscribed, and either the digest on or some
    kind they chose to get by email (digest_send decides what, if anything, goes out)."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(
        emailed_at__isnull=True, created_at__gte=now - DIGEST_LOOKBACK
    ).values("recipient_id")
    wants_email = Preference.objects.filter(channel__in=[Channel.EMAIL, Channel.BOTH]).values(
        "member_id"
    )
    opted_out = EmailSettings.objects.filter(
        Q(unsubscribed_at__isnull=False) | (Q(digest=False) & ~Q(member_id__in=wants_email))
    ).values("member_id")
    confirmed = EmailAddress.objects.filter(primary=True, verified=True).values("user_id")
    return list(
        Member.objects.filter(pk__in=waiting, is_active=True)
        .filter(pk__in=confirmed)
        .exclude(pk__in=opted_out)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def digest_send(*, member_id: int, now: datetime | None = None) -> int:
    """Email the member one daily digest of what they haven't had by email; returns how
    many notifications it covered (0: nothing sent). Safe to run twice.

    It covers the notifications created since the last digest and never emailed:
    - of kinds set to "email": all of them (they are not waiting on the site, and the kinds
      not emailed at once arrive only here);
    - of kinds set to "both": the unread ones (the kinds not emailed at once come here);
    - of kinds set to "site", with the digest switched on: the unread ones, a daily reminder
      of what is waiting (immediate kinds kept on the site included).
    Kinds now set to "none" are left out. Unsubscribed members and members without a
    confirmed address get nothing. Each covered row gets `emailed_at`, and the member
    `last_digest_at`, in the transaction that sends.
    """
    now = now or timezone.now()
    email_settings_for(member_id)
    with transaction.atomic():
        # One digest at a time per member: a second run waits here, then finds the rows
        # already marked emailed.
        settings_row = EmailSettings.objects.select_for_update().get(member_id=member_id)
        if settings_row.unsubscribed_at is not None:
            return 0
        address = verified_address(member_id=member_id)
        if address is None:
            return 0
        channels = channels_for(member_id=member_id)

        def kinds(*chosen: str) -> list[str]:
            return [kind for kind, channel in channels.items() if channel in chosen]

        wanted = Q(kind__in=kinds(Channel.EMAIL)) | Q(
            kind__in=kinds(Channel.BOTH), read_at__isnull=True
        )
        if settings_row.digest:
            wanted |= Q(kind__in=kinds(Channel.SITE), read_at__isnull=True)
        covered = list(
            Notification.objects.filter(
                wanted,
                recipient_id=member_id,
                emailed_at__isnull=True,
                created_at__gt=_digest_since(settings_row, now),
                created_at__lte=now,
            )
            .order_by("-pk")
            .values_list("pk", flat=True)
        )
        if not covered:
            return 0
        listed = list(
            Notification.objects.filter(pk__in=covered[:DIGEST_MAX_ITEMS])
            .select_related("actor")
            .order_by("-pk")
        )
        emails.digest_message(
            member=Member.objects.get(pk=member_id),
            notifications=listed,
            total=len(covered),
            to=address,
        ).send()
        Notification.objects.filter(pk__in=covered).update(emailed_at=now)
        settings_row.last_digest_at = now
        settings_row.save(update_fields=["last_digest_at"])
    return len(covered)
