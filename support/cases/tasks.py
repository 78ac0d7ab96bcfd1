from celery import shared_task

from support.cases.sla import escalate_overdue as scan


@shared_task(name="support.escalate_overdue", max_retries=0, ignore_result=True)
def escalate_overdue() -> int:
    """Every minute: the SLA scan. Idempotent, and safe with two schedulers at once."""
    report = scan()
    return report.unanswered + report.unsolved
