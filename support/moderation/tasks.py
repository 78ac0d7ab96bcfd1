"""Moderation's scheduled work (config/celery.py discovers each support domain's tasks)."""

from celery import shared_task

from support.moderation.sanctions import sanctions_expire as expire


@shared_task(name="support.sanctions_expire", max_retries=0, ignore_result=True)
def sanctions_expire() -> int:
    """Every few minutes: end the sanctions whose time is up. Idempotent."""
    return expire()
