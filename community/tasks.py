from celery import shared_task

from community import services


@shared_task(name="community.sessions_clear_expired", max_retries=0, ignore_result=True)
def sessions_clear_expired() -> int:
    """Hourly housekeeping: expired sessions pile up otherwise. Safe to run twice."""
    return services.sessions_clear_expired()
