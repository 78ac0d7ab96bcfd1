"""Email tasks. Each takes ids, calls one service in notifications.services and is safe to run
twice: the services mark what they sent (`emailed_at`, `last_digest_at`) in the transaction
that sends it.

A mail server that is down or refuses for a moment (OSError covers SMTP errors and refused
connections) is retried with a growing delay; anything else is a bug and fails loudly.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from notifications import services

logger = logging.getLogger(__name__)

RETRY_DELAY = 60


@shared_task(
    name="notifications.notification_email",
    bind=True,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def notification_email(self: Any, notification_id: int) -> bool:
    """Email one notification at once (the kinds in IMMEDIATE_EMAIL_KINDS).

    Emails are queued as notifications.outbox_deliver now; this stays for tasks already
    in the queue when the outbox arrived."""
    try:
        return services.notification_email_send(notification_id=notification_id)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=RETRY_DELAY * 2**self.request.retries) from exc


@shared_task(name="notifications.outbox_deliver", acks_late=True, ignore_result=True)
def outbox_deliver(notification_id: int) -> bool:
    """Send a notification's email from the outbox (queued when the notification commits).

    No retries here: a failed attempt stays in the outbox with its next time, and the sweep
    tries it again."""
    return services.outbox_deliver(notification_id=notification_id)


@shared_task(name="notifications.outbox_sweep", max_retries=0, ignore_result=True)
def outbox_sweep() -> int:
    """Every minute (beat's "notifications-outbox-sweep"): send the outgoing emails whose
    task was never queued (the broker was down) or was lost with a worker."""
    delivered = services.outbox_sweep()
    if delivered:
        logger.info("the outbox sweep delivered %d emails", delivered)
    return delivered


@shared_task(
    name="notifications.digest_member",
    bind=True,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def digest_member(self: Any, member_id: int) -> int:
    """One member's daily digest."""
    try:
        return services.digest_send(member_id=member_id)
    except OSError as exc:
        raise self.retry(exc=exc, countdown=RETRY_DELAY * 2**self.request.retries) from exc


@shared_task(name="notifications.digest", max_retries=0, ignore_result=True)
def digest() -> int:
    """Once a day (beat's "notifications-digest"): one task per member who may be due a
    digest, so a slow or failing address holds up nobody else. Running it twice sends
    nothing twice: each member's digest covers only rows not yet emailed."""
    member_ids = services.digest_recipient_ids()
    for member_id in member_ids:
        digest_member.delay(member_id)
    logger.info("queued the daily digest for %d members", len(member_ids))
    return len(member_ids)


@shared_task(name="notifications.outbox_deliver_many", acks_late=True, ignore_result=True)
def outbox_deliver_many(notification_ids: list[int]) -> int:
    """Send the emails of a crowd notified at once (notifications.bulk), one by one; what
    fails stays in the outbox for the sweep. Returns how many were delivered."""
    return sum(services.outbox_deliver(notification_id=pk) for pk in notification_ids)
