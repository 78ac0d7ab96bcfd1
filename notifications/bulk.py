"""Notifying a crowd at once: the same news to thousands of members in a fixed number of
queries (a known issue resolved tells everyone who had it).

notifications.services.notify works one member at a time (a preference read, an insert, an
outbox row each): right for an answer, far too slow for a crowd inside one request. Here
the recipients come as a subquery, their preferences are read in one query, the rows are
written with bulk inserts (one statement on PostgreSQL; SQLite splits a large insert into
statements of its own bound-parameter limit), the outbox rows likewise, and after commit
one task is queued for all the emails and each member's socket gets its push.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from notifications import realtime
from notifications.models import (
    IMMEDIATE_EMAIL_KINDS,
    Channel,
    EmailOutbox,
    Notification,
    Preference,
    default_channel,
)

logger = logging.getLogger(__name__)


def notify_crowd(
    *,
    recipients: QuerySet[Any, Any],
    kind: str,
    actor_id: int | None = None,
    url: str = "",
    data: dict[str, Any] | None = None,
) -> int:
    """Store one notification of `kind` for each member in `recipients` (a values("pk")
    subquery of members), as each prefers; returns how many were stored.

    Call inside the transaction that made the news. Nobody is notified of their own action.
    No grouping: each call is one piece of news.
    """
    ids = [pk for pk in recipients.values_list("pk", flat=True) if pk != actor_id]
    if not ids:
        return 0
    fallback = default_channel(kind)
    chosen = dict(
        Preference.objects.filter(kind=kind, member_id__in=recipients).values_list(
            "member_id", "channel"
        )
    )
    now = timezone.now()
    rows = []
    for member_id in dict.fromkeys(ids):
        channel = chosen.get(member_id, fallback)
        if channel == Channel.NONE:
            continue
        rows.append(
            Notification(
                recipient_id=member_id,
                kind=kind,
                actor_id=actor_id,
                url=url,
                data=dict(data or {}),
                created_at=now,
                # Email-only notifications are history, not something waiting on the site.
                read_at=now if channel == Channel.EMAIL else None,
            )
        )
    if not rows:
        return 0
    with transaction.atomic():
        stored = Notification.objects.bulk_create(rows)
        if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover
            stored = list(
                Notification.objects.filter(kind=kind, created_at=now, url=url).order_by("pk")
            )
        live = [(n.recipient_id, n.pk) for n in stored if n.read_at is None]
        emailed = [
            n.pk
            for n in stored
            if kind in IMMEDIATE_EMAIL_KINDS
            and chosen.get(n.recipient_id, fallback) in {Channel.EMAIL, Channel.BOTH}
        ]
        if emailed:
            # Committed with the notifications: owed even if the task can't be queued.
            EmailOutbox.objects.bulk_create(
                [EmailOutbox(notification_id=pk, created_at=now) for pk in emailed]
            )
        transaction.on_commit(lambda: _deliver(live, emailed))
    return len(stored)


def _deliver(live: list[tuple[int, int]], emailed: list[int]) -> None:
    for member_id, notification_id in live:
        realtime.send_now(
            realtime.member_group(member_id), {"type": "notification.new", "id": notification_id}
        )
    if not emailed:
        return
    try:
        current_app.tasks["notifications.outbox_deliver_many"].delay(emailed)
    except Exception:  # noqa: BLE001 - a broker outage must not fail the request
        logger.warning(
            "could not queue %d emails; the outbox sweep will send them",
            len(emailed),
            exc_info=True,
        )
