"""Insights' scheduled work: the trending-problems alert (support.insights.services)."""

from celery import shared_task

from support.insights.services import trending_alert_send


@shared_task(name="support.trending_alert", max_retries=0, ignore_result=True)
def trending_alert() -> int:
    """Every five minutes: alert staff to questions spiking on a board or tag. Idempotent."""
    return len(trending_alert_send())
