"""Two SLA scans at once (PostgreSQL only): two schedulers, or a scheduler and an operator
running the command, still open one case per thread."""

from __future__ import annotations

from datetime import timedelta

from support.cases.models import Case, CaseReason
from support.cases.sla import ScanReport, escalate_overdue
from tests.builders import agent_make, answer, ask, new_member_make
from tests.concurrency import requires_postgresql, run_at_once, transactional


@requires_postgresql
@transactional
def test_two_concurrent_scans_open_one_case_per_thread() -> None:
    agent_make()
    asker, helper = new_member_make(), new_member_make()
    unanswered = [ask(asker, ago=timedelta(hours=2)) for _ in range(5)]
    unsolved = [ask(asker, ago=timedelta(days=3)) for _ in range(3)]
    for thread in unsolved:
        answer(helper, thread)

    reports, errors = run_at_once([escalate_overdue, escalate_overdue, escalate_overdue])

    assert errors == []
    for thread in unanswered:
        assert list(Case.objects.filter(thread=thread).values_list("reason", flat=True)) == [
            CaseReason.SLA_UNANSWERED
        ]
    for thread in unsolved:
        assert list(Case.objects.filter(thread=thread).values_list("reason", flat=True)) == [
            CaseReason.SLA_UNSOLVED
        ]
    # Between them the scans opened each case exactly once.
    assert sum(r.unanswered for r in reports) == 5
    assert sum(r.unsolved for r in reports) == 3
    assert all(isinstance(r, ScanReport) for r in reports)
