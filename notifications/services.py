"""Writing notifications: store, group, push after commit, email after commit."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from notifications.models import (
    IMMEDIATE_EMAIL_KINDS,
    Channel,
    EmailSettings,
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
        from notifications.tasks import notification_email

        try:
            notification_email.delay(notification_id)
        except Exception:  # noqa: BLE001 - a broker outage must not fail the request
            logger.warning(
                "could not queue email for notification %s", notification_id, exc_info=True
            )

    transaction.on_commit(schedule)


def unread_count(*, member_id: int) -> int:
    return Notification.objects.filter(recipient_id=member_id, read_at__isnull=True).count()


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
