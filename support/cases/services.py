"""Cases: escalation to staff, routing, the agents' changes and the private conversation."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community_services
from community.errors import Conflict
from community.models import AGENTS_GROUP, Member, Post, Thread
from support import events
from support.cases import taxonomy
from support.cases.models import (
    ACTIVE_CASE_STATUSES,
    AgentStatus,
    Case,
    CaseEvent,
    CaseMessage,
    CasePriority,
    CaseReason,
    CaseStatus,
    SLAPolicy,
)

# How soon an agent must first answer a case, by priority.
FIRST_RESPONSE = {
    CasePriority.URGENT: timedelta(hours=1),
    CasePriority.HIGH: timedelta(hours=4),
    CasePriority.NORMAL: timedelta(hours=8),
    CasePriority.LOW: timedelta(hours=24),
}
PRIORITY_FOR_REASON = {
    CaseReason.SENSITIVE: CasePriority.HIGH,
    CaseReason.FLAGGED: CasePriority.HIGH,
    CaseReason.SLA_UNSOLVED: CasePriority.NORMAL,
    CaseReason.SLA_UNANSWERED: CasePriority.NORMAL,
    CaseReason.REQUESTED: CasePriority.NORMAL,
    CaseReason.MODERATOR: CasePriority.NORMAL,
}
MESSAGE_MAX = 10000


def is_agent(member: Member) -> bool:
    return member.is_active and member.is_agent


def _agents() -> QuerySet[Member]:
    return (
        Member.objects.filter(is_active=True)
        .filter(Q(groups__name=AGENTS_GROUP) | Q(is_superuser=True))
        .distinct()
        .order_by("pk")
    )


def team_for(thread: Thread | None) -> list[Member]:
    """The agents who take a board's cases: its SLA policy's team, or every agent."""
    if thread is not None:
        policy = SLAPolicy.objects.filter(board_id=thread.board_id).first()
        if policy is not None:
            # Only members who are still agents: someone who left the agents group stays
            # in a policy's team until an admin edits it, and must not be handed cases.
            team = list(_agents().filter(pk__in=policy.agents.values("pk")))
            if team:
                return team
    return list(_agents())


def case_route(thread: Thread | None) -> Member | None:
    """The least-loaded available agent of the team (fewest active cases; oldest id on ties)."""
    team = team_for(thread)
    away = set(
        AgentStatus.objects.filter(agent__in=team, available=False).values_list(
            "agent_id", flat=True
        )
    )
    candidates = [agent.pk for agent in team if agent.pk not in away]
    if not candidates:
        return None
    loads = dict(
        Case.objects.filter(assignee_id__in=candidates, status__in=ACTIVE_CASE_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("pk"))
        .values_list("assignee_id", "n")
    )
    best = min(candidates, key=lambda pk: (loads.get(pk, 0), pk))
    return Member.objects.get(pk=best)


def case_open(
    *,
    customer: Member,
    reason: str,
    thread: Thread | None = None,
    post: Post | None = None,
    actor: Member | None = None,
    message: str = "",
    now: datetime | None = None,
) -> tuple[Case, bool]:
    """Open a case, or return the thread's active case. True when this call opened it.

    The partial unique index (one active case per thread) settles races between a member's
    double click, an agent and two schedulers: the loser gets the winner's case.
    """
    now = now or timezone.now()
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise ValidationError({"message": _("Keep it to %(n)d characters.") % {"n": MESSAGE_MAX}})
    if thread is not None:
        existing = Case.objects.filter(thread=thread, status__in=ACTIVE_CASE_STATUSES).first()
        if existing is not None:
            return existing, False
    priority = PRIORITY_FOR_REASON.get(CaseReason(reason), CasePriority.NORMAL)
    try:
        with transaction.atomic():
            case = Case.objects.create(
                thread=thread,
                post=post,
                customer=customer,
                reason=reason,
                priority=priority,
                assignee=case_route(thread),
                sla_due_at=now + FIRST_RESPONSE[priority],
                created_at=now,
            )
            actor_id = actor.pk if actor else None
            CaseEvent.objects.create(
                case=case,
                kind=CaseEvent.Kind.OPENED,
                actor_id=actor_id,
                data={"reason": reason, "assignee": case.assignee_id},
                created_at=now,
            )
            if message:
                CaseMessage.objects.create(case=case, author=customer, body=message, created_at=now)
            if thread is not None:
                community_services.thread_mark_escalated(thread_id=thread.pk, escalated=True)
            events.case_opened.send(sender=Case, case_id=case.pk, actor_id=actor_id)
    except IntegrityError:
        if thread is None:
            raise
        return Case.objects.get(thread=thread, status__in=ACTIVE_CASE_STATUSES), False
    return case, True


def case_escalate(*, thread: Thread, actor: Member, message: str = "") -> tuple[Case, bool]:
    """ "Ask an agent": the asker (or a moderator) hands the thread to staff."""
    if not (actor.pk == thread.author_id or actor.is_moderator):
        raise PermissionDenied(_("Only the person who asked or a moderator can ask for an agent."))
    reason = CaseReason.REQUESTED if actor.pk == thread.author_id else CaseReason.MODERATOR
    return case_open(
        customer=thread.author, reason=reason, thread=thread, actor=actor, message=message
    )


def case_update(
    *,
    case: Case,
    actor: Member,
    status: str | None = None,
    assignee: Member | None = None,
    unassign: bool = False,
    priority: str | None = None,
    category: str | None = None,
    root_cause: str | None = None,
) -> Case:
    """An agent changes a case's status, assignee or priority; each change joins the timeline.

    `category` and `root_cause` are slugs from the lists staff maintain (support.cases.
    taxonomy): None leaves them, "" clears them, a retired or unknown slug is refused."""
    if not is_agent(actor):
        raise PermissionDenied(_("Only agents can change cases."))
    if status is not None and status not in CaseStatus.values:
        raise ValidationError({"status": _("Unknown status “%(s)s”.") % {"s": status}})
    if priority is not None and priority not in CasePriority.values:
        raise ValidationError({"priority": _("Unknown priority “%(p)s”.") % {"p": priority}})
    if assignee is not None and not is_agent(assignee):
        raise ValidationError({"assignee": _("Cases can only be assigned to agents.")})
    # Only a change is checked: a case keeps a retired entry until an agent picks another.
    labels = {
        kind: (taxonomy.case_label_for_input(kind=kind, slug=slug).pk if slug else None)
        for kind, slug in (("category", category), ("root_cause", root_cause))
        if slug is not None and slug != getattr(getattr(case, kind), "slug", "")
    }
    now = timezone.now()
    changes: list[str] = []
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if status is not None and status != locked.status:
            if status in ACTIVE_CASE_STATUSES and _another_active_case(locked):
                raise ValidationError(
                    {"status": _("Another case about this thread is already open.")}
                )
            CaseEvent.objects.create(
                case=locked,
                kind=CaseEvent.Kind.STATUS,
                actor=actor,
                data={"from": locked.status, "to": status},
            )
            was_active = locked.is_active
            locked.status = status
            if status in ACTIVE_CASE_STATUSES:
                locked.resolved_at = None
            elif was_active or locked.resolved_at is None:
                # Resolved then closed keeps the moment it was resolved.
                locked.resolved_at = now
            changes.append("status")
            if locked.thread_id and was_active != locked.is_active:
                # Only on a move between active and inactive: closing an old resolved case
                # must not clear the flag a newer active case about the thread set.
                community_services.thread_mark_escalated(
                    thread_id=locked.thread_id, escalated=locked.is_active
                )
        new_assignee_id = None if unassign else (assignee.pk if assignee else locked.assignee_id)
        if new_assignee_id != locked.assignee_id:
            CaseEvent.objects.create(
                case=locked,
                kind=CaseEvent.Kind.ASSIGNED,
                actor=actor,
                data={"from": locked.assignee_id, "to": new_assignee_id},
            )
            locked.assignee_id = new_assignee_id
            changes.append("assignee")
        if priority is not None and priority != locked.priority:
            CaseEvent.objects.create(
                case=locked,
                kind=CaseEvent.Kind.PRIORITY,
                actor=actor,
                data={"from": locked.priority, "to": priority},
            )
            locked.priority = priority
            if locked.first_response_at is None:
                locked.sla_due_at = locked.created_at + FIRST_RESPONSE[CasePriority(priority)]
            changes.append("priority")
        for kind, label_id in labels.items():
            if getattr(locked, f"{kind}_id") != label_id:
                setattr(locked, f"{kind}_id", label_id)
                changes.append(kind)
        if changes:
            locked.save()
            events.case_updated.send(
                sender=Case, case_id=locked.pk, actor_id=actor.pk, changes=changes
            )
    return locked


def _another_active_case(case: Case) -> bool:
    """Reopening would make a second active case for the thread (the index forbids it)."""
    if case.is_active or not case.thread_id:
        return False
    others = Case.objects.filter(thread_id=case.thread_id, status__in=ACTIVE_CASE_STATUSES)
    return others.exclude(pk=case.pk).exists()


def case_message_post(
    *, case: Case, author: Member, body: str, internal: bool = False
) -> CaseMessage:
    """A message in the case's private conversation; `internal` notes are for agents only.

    An agent's first public message is the case's first response (the SLA clock stops); a
    customer's reply to a case waiting on them (or resolved) reopens it. A closed case takes
    no more messages from the customer (Conflict): nobody would read them. Neither does a
    resolved one once a newer case about the same thread is active: the conversation goes on
    there.
    """
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a message.")})
    if len(body) > MESSAGE_MAX:
        raise ValidationError({"body": _("Keep it to %(n)d characters.") % {"n": MESSAGE_MAX}})
    agent = is_agent(author)
    if not agent and author.pk != case.customer_id:
        raise PermissionDenied(_("This is not your case."))
    if internal and not agent:
        raise PermissionDenied(_("Only agents can write internal notes."))
    now = timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        reopen = not agent and locked.status in {CaseStatus.WAITING, CaseStatus.RESOLVED}
        if not agent and locked.status == CaseStatus.CLOSED:
            raise Conflict(
                _("This case is closed. Ask for an agent again on your question if you need help.")
            )
        if reopen and _another_active_case(locked):
            raise Conflict(_("A newer case about this question is open: please write there."))
        message = CaseMessage.objects.create(
            case=locked, author=author, body=body, internal=internal, created_at=now
        )
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.NOTE if internal else CaseEvent.Kind.MESSAGE,
            actor=author,
            internal=internal,
            data={"message": message.pk},
            created_at=now,
        )
        fields = []
        if agent and not internal:
            fields += _first_response(locked, actor=author, now=now)
        if reopen:
            if locked.thread_id and not locked.is_active:
                community_services.thread_mark_escalated(thread_id=locked.thread_id, escalated=True)
            _status_event(locked, actor=author, to=CaseStatus.OPEN, now=now)
            locked.status = CaseStatus.OPEN
            locked.resolved_at = None
            fields += ["status", "resolved_at"]
        if fields:
            locked.save(update_fields=[*fields, "updated_at"])
        events.case_message_posted.send(
            sender=Case,
            case_id=locked.pk,
            message_id=message.pk,
            internal=internal,
            actor_id=author.pk,
        )
    return message


def _status_event(case: Case, *, actor: Member, to: str, now: datetime) -> None:
    """A status change that follows from something else (a reply, a first answer)."""
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.STATUS,
        actor=actor,
        data={"from": case.status, "to": to, "automatic": True},
        created_at=now,
    )


def _first_response(case: Case, *, actor: Member, now: datetime) -> list[str]:
    """An agent answered the customer: the SLA clock stops and a new case is open.

    Call with the case row locked; returns the fields it changed, for the caller's save().
    """
    fields = []
    if case.first_response_at is None:
        case.first_response_at = now
        fields.append("first_response_at")
    if case.status == CaseStatus.NEW:
        _status_event(case, actor=actor, to=CaseStatus.OPEN, now=now)
        case.status = CaseStatus.OPEN
        fields.append("status")
    return fields


def case_staff_answer(*, case: Case, agent: Member, body: str, mark_solution: bool = False) -> Post:
    """An agent answers the case's question in public, on the thread, as staff.

    The answer is the community's `post_create` written by the agent (staff skip the
    posting limits); with `mark_solution` the agent also accepts it (agents may accept
    solutions anywhere). The case's timeline records it, and it counts as the first response:
    the customer hears from staff on the thread they asked on. All of it or none of it.
    """
    if not is_agent(agent):
        raise PermissionDenied(_("Only agents can answer for the staff."))
    thread_id = case.thread_id
    if thread_id is None:
        raise ValidationError(_("This case is not about a question on the community."))
    now = timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        thread = Thread.objects.get(pk=thread_id)
        post = community_services.post_create(author=agent, thread=thread, body=body)
        if mark_solution:
            community_services.solution_accept(thread=thread, post=post, actor=agent)
        CaseEvent.objects.create(
            case=locked,
            kind=CaseEvent.Kind.STAFF_ANSWER,
            actor=agent,
            data={"post": post.pk, "solution": mark_solution},
            created_at=now,
        )
        fields = _first_response(locked, actor=agent, now=now)
        if fields:
            locked.save(update_fields=[*fields, "updated_at"])
        events.case_updated.send(
            sender=Case, case_id=locked.pk, actor_id=agent.pk, changes=["staff_answer"]
        )
    return post


def agent_availability_set(*, agent: Member, available: bool) -> AgentStatus:
    """An agent is available for new cases, or away (routing skips them)."""
    if not is_agent(agent):
        raise PermissionDenied(_("Only agents have an availability."))
    status, _created = AgentStatus.objects.update_or_create(
        agent=agent, defaults={"available": available}
    )
    return status
