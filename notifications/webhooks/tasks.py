"""Webhook tasks: one attempt at a delivery, and the sweep that sends what is due."""

from __future__ import annotations

import logging

from celery import shared_task

from notifications.webhooks import services

logger = logging.getLogger(__name__)


@shared_task(name="notifications.webhook_deliver", acks_late=True, ignore_result=True)
def webhook_deliver(delivery_id: int) -> bool:
    """One attempt (queued when the event commits, or by a re-send). No Celery retries: a
    failed attempt stays in the outbox with its next time, and the sweep makes it."""
    return services.webhook_deliver(delivery_id=delivery_id)


@shared_task(name="notifications.webhook_sweep", max_retries=0, ignore_result=True)
def webhook_sweep() -> int:
    """Every minute (beat's "notifications-webhook-sweep"): the retries that are due, and
    deliveries whose task was never queued or was lost."""
    sent = services.webhook_sweep()
    if sent:
        logger.info("the webhook sweep delivered %d events", sent)
    return sent
