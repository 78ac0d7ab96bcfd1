"""Satisfaction's scheduled work (config/celery.py discovers each support domain's tasks)."""

from celery import shared_task

from support.satisfaction.services import satisfaction_ask_due as ask_due


@shared_task(name="support.satisfaction_ask_due", max_retries=0, ignore_result=True)
def satisfaction_ask_due() -> int:
    """Every minute: "Did this solve your problem?" to the askers whose time has come.
    Idempotent, and safe with two schedulers at once."""
    return ask_due()
