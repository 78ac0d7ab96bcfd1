from celery import shared_task

from gamification.services import badges


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
    """Daily: close payback periods that have ended. Idempotent."""
    from django.utils import timezone

    from gamification.models import RewardPeriod, RewardPeriodStatus
    from gamification.services.payback import reward_period_close, reward_period_for

    today = timezone.localdate()
    reward_period_for(today)
    closed = 0
    for period in RewardPeriod.objects.filter(status=RewardPeriodStatus.OPEN, end__lt=today):
        reward_period_close(period=period, today=today)
        closed += 1
    return closed
