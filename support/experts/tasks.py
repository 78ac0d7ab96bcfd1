from celery import shared_task

from support.experts.services import expert_routing_run


@shared_task(name="support.experts_route", max_retries=0, ignore_result=True)
def experts_route() -> int:
    """Every minute: offer the questions left unanswered to their proven helpers. Idempotent,
    and safe with two schedulers at once (one routing per question, under its row lock)."""
    return expert_routing_run()
