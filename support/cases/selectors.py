"""Reads of cases: permission-checked fetches, the agents' queue, a customer's history.

Who sees a case: its customer and every agent. Anyone else gets a 404, never a 403, so a
case id tells an outsider nothing, not even that the case exists. The customer never sees
internal notes or the internal part of the timeline (notes, routing, priority, SLA alarms).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as CaseWhen
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import AGENTS_GROUP, Board, Member, Thread
from community.permissions import Viewer
from support.cases.models import (
    ACTIVE_CASE_STATUSES,
    AgentStatus,
    Case,
    CaseEvent,
    CaseMessage,
    CaseStatus,
)
from support.satisfaction.models import Satisfaction

# What the queue's status filter offers besides the statuses themselves.
STATUS_ACTIVE = "active"
STATUS_ALL = "all"
QUEUE_STATUSES = (STATUS_ACTIVE, *CaseStatus.values, STATUS_ALL)
QUEUE_SCOPES = ("all", "mine", "unassigned")
CASE_ORDERINGS = ("sla_due_at", "-created_at", "-updated_at")
# The timeline the customer sees: when the case opened, its status, staff answers on the
# thread. Routing, priority, SLA alarms and notes are the agents' business.
CUSTOMER_EVENT_KINDS = (CaseEvent.Kind.OPENED, CaseEvent.Kind.STATUS, CaseEvent.Kind.STAFF_ANSWER)
HISTORY_SIZE = 10


def viewer_is_agent(viewer: Viewer) -> bool:
    """Agents (and superusers) work cases; they must be signed in and active."""
    return isinstance(viewer, Member) and viewer.is_active and viewer.is_agent


def _cases() -> QuerySet[Case]:
    return Case.objects.select_related(
        "thread",
        "thread__board",
        "post__thread__board",
        "customer",
        "assignee",
        "category",
        "root_cause",
    ).prefetch_related("customer__groups", "assignee__groups")


def case_get(*, case_id: int) -> Case:
    """A case with its people loaded, unchecked: for showing a case right after a service
    handed it to its caller (a moderator who escalated gets the case they opened)."""
    return _cases().get(pk=case_id)


def case_get_for_viewer(*, case_id: int, viewer: Viewer) -> Case:
    """The case if the viewer is its customer or an agent; Http404 for everyone else."""
    if not isinstance(viewer, Member) or not viewer.is_active:
        raise Http404(_("No such case."))
    case = _cases().filter(pk=case_id).first()
    if case is None or not (case.customer_id == viewer.pk or viewer_is_agent(viewer)):
        raise Http404(_("No such case."))
    return case


def _overdue(now: datetime) -> ExpressionWrapper[Any]:
    """Active, still waiting for an agent's first answer, and past its due time."""
    return ExpressionWrapper(
        Q(status__in=ACTIVE_CASE_STATUSES, first_response_at__isnull=True, sla_due_at__lt=now),
        output_field=BooleanField(),
    )


def case_list(
    *,
    viewer: Member,
    status: str | None = None,
    reason: str | None = None,
    assignee: Member | None = None,
    unassigned: bool = False,
    board: Board | None = None,
    ordering: str | None = None,
    now: datetime | None = None,
) -> QuerySet[Case]:
    """The cases the viewer may see (agents: all; anyone else: their own), filtered.

    `status` is a case status, "active" (new, open or waiting) or "all"/None. Each case
    carries `is_overdue`. Ordering "sla_due_at" is the queue's: cases still waiting for a
    first answer first, the soonest due first (overdue ones lead); then the rest by due
    time. The default is the queue's order for agents and newest first for customers.
    """
    now = now or timezone.now()
    qs = _cases().annotate(is_overdue=_overdue(now))
    if not viewer_is_agent(viewer):
        qs = qs.filter(customer=viewer)
    if status == STATUS_ACTIVE:
        qs = qs.filter(status__in=ACTIVE_CASE_STATUSES)
    elif status and status != STATUS_ALL:
        qs = qs.filter(status=status)
    if reason:
        qs = qs.filter(reason=reason)
    if unassigned:
        qs = qs.filter(assignee__isnull=True)
    elif assignee is not None:
        qs = qs.filter(assignee=assignee)
    if board is not None:
        qs = qs.filter(thread__board=board)
    ordering = ordering or ("sla_due_at" if viewer_is_agent(viewer) else "-created_at")
    if ordering == "sla_due_at":
        awaiting = CaseWhen(
            When(status__in=ACTIVE_CASE_STATUSES, first_response_at__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return qs.annotate(awaiting=awaiting).order_by(
            "awaiting", F("sla_due_at").asc(nulls_last=True), "created_at", "pk"
        )
    if ordering == "-updated_at":
        return qs.order_by("-updated_at", "-pk")
    return qs.order_by("-created_at", "-pk")


def case_active_for_thread(*, thread: Thread) -> Case | None:
    """The thread's active case, if any (at most one: a unique index sees to it)."""
    return Case.objects.filter(thread=thread, status__in=ACTIVE_CASE_STATUSES).first()


def case_messages_for_viewer(*, case: Case, viewer: Viewer) -> QuerySet[CaseMessage]:
    """The conversation, oldest first; internal notes only for agents."""
    messages = CaseMessage.objects.filter(case=case)
    if not viewer_is_agent(viewer):
        messages = messages.filter(internal=False)
    return (
        messages.select_related("author")
        .prefetch_related("author__groups")
        .order_by("created_at", "pk")
    )


def case_events_for_viewer(*, case: Case, viewer: Viewer) -> QuerySet[CaseEvent]:
    """The timeline, oldest first; the customer's is the short public one."""
    events = CaseEvent.objects.filter(case=case)
    if not viewer_is_agent(viewer):
        events = events.filter(internal=False, kind__in=CUSTOMER_EVENT_KINDS)
    return events.select_related("actor").order_by("created_at", "pk")


@dataclass(frozen=True)
class CustomerHistory:
    threads: list[Thread]
    thread_count: int
    cases: list[Case]
    case_count: int
    satisfaction: list[Satisfaction]


def customer_history(*, customer: Member, case: Case | None = None) -> CustomerHistory:
    """What an agent wants to know about the customer: their other questions, their other
    cases and the scores they gave, newest first (the last ten of each)."""
    threads = Thread.objects.filter(author=customer)
    cases = Case.objects.filter(customer=customer)
    if case is not None:
        cases = cases.exclude(pk=case.pk)
        if case.thread_id:
            threads = threads.exclude(pk=case.thread_id)
    scores = (
        Satisfaction.objects.filter(respondent=customer)
        .select_related("thread", "case", "rated")
        .order_by("-created_at", "-pk")
    )
    return CustomerHistory(
        threads=list(threads.select_related("board").order_by("-created_at", "-pk")[:HISTORY_SIZE]),
        thread_count=threads.count(),
        cases=list(cases.select_related("thread").order_by("-created_at", "-pk")[:HISTORY_SIZE]),
        case_count=cases.count(),
        satisfaction=list(scores[:HISTORY_SIZE]),
    )


def customer_cases(*, customer: Member) -> QuerySet[Case]:
    """A customer's own cases, newest first."""
    return (
        Case.objects.filter(customer=customer)
        .select_related("thread__board", "post__thread__board", "assignee")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class AgentChoice:
    agent: Member
    available: bool
    load: int


def agent_choices() -> list[AgentChoice]:
    """Every active agent, with their availability and active cases: for reassigning."""
    agents = (
        Member.objects.filter(is_active=True)
        .filter(Q(groups__name=AGENTS_GROUP) | Q(is_superuser=True))
        .distinct()
        .annotate(
            load=Count(
                "assigned_cases",
                filter=Q(assigned_cases__status__in=ACTIVE_CASE_STATUSES),
                distinct=True,
            )
        )
        .order_by("username")
    )
    away = set(AgentStatus.objects.filter(available=False).values_list("agent_id", flat=True))
    return [AgentChoice(agent=a, available=a.pk not in away, load=a.load) for a in agents]


def member_get_for_input(*, username: str) -> Member | None:
    """The active member a client named by username (any case), or None."""
    return Member.objects.filter(username__iexact=username, is_active=True).first()


def members_by_id(*, ids: set[int]) -> dict[int, Member]:
    """Members by primary key, for naming the people a timeline mentions by id."""
    if not ids:
        return {}
    return {member.pk: member for member in Member.objects.filter(pk__in=ids)}


def agent_is_available(*, agent: Member) -> bool:
    status = AgentStatus.objects.filter(agent=agent).first()
    return status is None or status.available


__all__ = [
    "CASE_ORDERINGS",
    "QUEUE_SCOPES",
    "QUEUE_STATUSES",
    "STATUS_ACTIVE",
    "STATUS_ALL",
    "AgentChoice",
    "CustomerHistory",
    "agent_choices",
    "agent_is_available",
    "case_active_for_thread",
    "case_events_for_viewer",
    "case_get",
    "case_get_for_viewer",
    "case_list",
    "case_messages_for_viewer",
    "customer_cases",
    "customer_history",
    "member_get_for_input",
    "members_by_id",
    "viewer_is_agent",
]
