"""The SLA scan: questions the community left waiting too long go to staff.

`manage.py escalate_overdue` and the scheduler (every minute) run the same function. It is
idempotent: a thread escalates at most once per reason, ever, and the one-active-case index
makes two scans running at once open a single case.

An unanswered question goes to its proven helpers first (support.experts): the scan routes
what is due, then escalates a question as unanswered only once it was routed and, when
helpers were asked, EXPERT_ANSWER_MINUTES after they were; so a policy shorter than the
routing delay waits for the routing.

Questions a known issue stands for are not escalated one by one
(support.known_issues.selectors.known_issue_holding_thread): they are counted as
escalations the known issue saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from community.models import Board, Thread
from support import events
from support.cases.models import (
    ACTIVE_CASE_STATUSES,
    DEFAULT_UNANSWERED_MINUTES,
    DEFAULT_UNSOLVED_HOURS,
    Case,
    CaseEvent,
    CaseReason,
    SLAPolicy,
)
from support.cases.services import case_open
from support.experts.services import answer_grace, expert_routing_run
from support.known_issues.selectors import known_issue_holding_thread
from support.known_issues.services import known_issue_escalations_saved_record


@dataclass
class ScanReport:
    unanswered: int = 0
    unsolved: int = 0
    breaches: int = 0
    held_back: int = 0  # questions a known issue stood for in this scan


def _waiting(board: Board) -> Q:
    """Threads on `board` that are still the community's to answer."""
    return Q(board=board, solution__isnull=True, is_locked=False, hidden_reason="")


def _experts_had_their_turn(now: datetime) -> Q:
    """Routed to helpers, and they had their time (or nobody could be asked)."""
    return Q(expert_routing__isnull=False) & (
        Q(expert_routing__asked=0) | Q(expert_routing__routed_at__lte=now - answer_grace())
    )


def escalate_overdue(*, now: datetime | None = None) -> ScanReport:
    now = now or timezone.now()
    report = ScanReport()
    expert_routing_run(now=now)
    policies = {p.board_id: p for p in SLAPolicy.objects.all()}
    for board in Board.objects.all():
        policy = policies.get(board.pk)
        unanswered_after = timedelta(
            minutes=policy.unanswered_minutes if policy else DEFAULT_UNANSWERED_MINUTES
        )
        unsolved_after = timedelta(
            hours=policy.unsolved_hours if policy else DEFAULT_UNSOLVED_HOURS
        )
        for reason, overdue in (
            (
                CaseReason.SLA_UNANSWERED,
                Q(first_answer_at__isnull=True, created_at__lte=now - unanswered_after)
                & _experts_had_their_turn(now),
            ),
            (
                CaseReason.SLA_UNSOLVED,
                Q(first_answer_at__isnull=False, created_at__lte=now - unsolved_after),
            ),
        ):
            threads = (
                Thread.objects.filter(_waiting(board) & overdue)
                # Once per reason, ever; and never while another case is active.
                .exclude(cases__reason=reason)
                .exclude(cases__status__in=ACTIVE_CASE_STATUSES)
                .annotate(held_by=known_issue_holding_thread())
            )
            # A known issue is the case for the questions it stands for: staff answer them
            # all at once through its updates, not one case each. Counted as saved.
            report.held_back += known_issue_escalations_saved_record(
                held=list(threads.filter(held_by__isnull=False).values_list("pk", "held_by")),
                reason=reason,
            )
            threads = (
                threads.filter(held_by__isnull=True).select_related("author").order_by("created_at")
            )
            for thread in threads:
                _case, opened = case_open(
                    customer=thread.author, reason=reason, thread=thread, now=now
                )
                if opened and reason == CaseReason.SLA_UNANSWERED:
                    report.unanswered += 1
                elif opened:
                    report.unsolved += 1
    report.breaches = _first_response_breaches(now)
    return report


def _first_response_breaches(now: datetime) -> int:
    """Mark active cases whose first response is overdue, once each, and alert the team."""
    breached = 0
    overdue = Case.objects.filter(
        status__in=ACTIVE_CASE_STATUSES, first_response_at__isnull=True, sla_due_at__lt=now
    ).exclude(events__kind=CaseEvent.Kind.SLA_BREACHED)
    for case in overdue:
        with transaction.atomic():
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.events.filter(kind=CaseEvent.Kind.SLA_BREACHED).exists():
                continue
            CaseEvent.objects.create(
                case=locked, kind=CaseEvent.Kind.SLA_BREACHED, data={"due": str(locked.sla_due_at)}
            )
            events.case_sla_breached.send(sender=Case, case_id=locked.pk)
            breached += 1
    return breached
