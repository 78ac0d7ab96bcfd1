from celery import shared_task

from gamification.services import badges
from gamification.services.payback import reward_periods_close_ended


@shared_task(name="gamification.badges_evaluate", max_retries=3, default_retry_delay=10)
def badges_evaluate(member_id: int) -> int:
    """Award the badges a member has earned. Idempotent: safe to run twice."""
    return len(badges.badges_evaluate(member_id=member_id))


@shared_task(name="gamification.serial_voting_correct", max_retries=0)
def serial_voting_correct() -> int:
    """Daily: reverse points paid by serial voting. Idempotent."""
    from gamification.services.fraud import serial_voting_correct as correct

    return correct()


@shared_task(name="gamification.payback_close_ended", max_retries=0)
def payback_close_ended() -> int:
    """Hourly: close payback periods that have ended. Idempotent."""
    return len(reward_periods_close_ended())
