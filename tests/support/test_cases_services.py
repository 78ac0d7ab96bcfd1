"""Cases through support.cases.services: escalation, routing, the agents' changes and the
private conversation, each leaving its trace in the timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community.errors import Conflict
from community.models import AGENTS_GROUP, Member, Thread
from support.cases.models import (
    AgentStatus,
    Case,
    CaseEvent,
    CaseMessage,
    CasePriority,
    CaseReason,
    CaseStatus,
    SLAPolicy,
)
from support.cases.services import (
    FIRST_RESPONSE,
    agent_availability_set,
    case_escalate,
    case_message_post,
    case_open,
    case_route,
    case_staff_answer,
    case_update,
)
from tests.builders import agent_make, answer, ask, board_make
from tests.support.cases_helpers import escalate

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(asker)


def kinds(case: Case) -> list[str]:
    return list(case.events.order_by("created_at", "pk").values_list("kind", flat=True))


# ---------------------------------------------------------------------------- escalation


def test_the_asker_escalating_opens_a_requested_case_for_themself(
    thread: Thread, asker: Member, agent: Member
) -> None:
    case, opened = case_escalate(thread=thread, actor=asker, message="  Please help  ")

    assert opened is True
    assert (case.customer, case.reason, case.status) == (asker, CaseReason.REQUESTED, "new")
    assert case.assignee == agent
    assert case.sla_due_at == case.created_at + FIRST_RESPONSE[CasePriority.NORMAL]
    assert list(case.messages.values_list("body", "internal")) == [("Please help", False)]
    assert kinds(case) == [CaseEvent.Kind.OPENED]
    thread.refresh_from_db()
    assert thread.is_escalated is True


def test_a_moderator_escalating_opens_a_case_for_the_asker_with_the_moderator_reason(
    thread: Thread, asker: Member, moderator: Member
) -> None:
    case, opened = case_escalate(thread=thread, actor=moderator)

    assert opened is True
    assert case.customer == asker
    assert case.reason == CaseReason.MODERATOR
    assert case.events.get().actor == moderator


@pytest.mark.parametrize("who", ["helper", "outsider", "agent"])
def test_nobody_but_the_asker_and_moderators_may_escalate(
    request: pytest.FixtureRequest, thread: Thread, who: str
) -> None:
    with pytest.raises(PermissionDenied):
        case_escalate(thread=thread, actor=request.getfixturevalue(who))

    assert not Case.objects.exists()


def test_escalating_again_while_a_case_is_active_returns_the_same_case(
    thread: Thread, asker: Member, moderator: Member
) -> None:
    first, _opened = case_escalate(thread=thread, actor=asker)

    again, opened_again = case_escalate(thread=thread, actor=asker, message="Still there?")
    by_moderator, opened_by_moderator = case_escalate(thread=thread, actor=moderator)

    assert (again, by_moderator) == (first, first)
    assert opened_again is opened_by_moderator is False
    assert Case.objects.count() == 1
    assert not CaseMessage.objects.exists()


def test_after_a_case_is_resolved_the_asker_may_escalate_again(
    thread: Thread, asker: Member, agent: Member
) -> None:
    first = escalate(thread)
    case_update(case=first, actor=agent, status=CaseStatus.RESOLVED)

    second, opened = case_escalate(thread=thread, actor=asker)

    assert opened is True
    assert second != first
    thread.refresh_from_db()
    assert thread.is_escalated is True


def test_a_message_longer_than_the_limit_is_refused(thread: Thread, asker: Member) -> None:
    with pytest.raises(ValidationError) as error:
        case_escalate(thread=thread, actor=asker, message="x" * 10001)

    assert "message" in error.value.message_dict
    assert not Case.objects.exists()


# ---------------------------------------------------------------------------- routing


def test_routing_picks_the_least_loaded_available_agent_of_the_board_team(asker: Member) -> None:
    board = board_make()
    busy, idle, outside = agent_make("busy"), agent_make("idle"), agent_make("outside")
    policy = SLAPolicy.objects.create(board=board)
    policy.agents.set([busy, idle])
    for _ in range(2):
        case = escalate(ask(asker, board))
        case_update(case=case, actor=busy, assignee=busy)

    case = escalate(ask(asker, board))

    assert case.assignee == idle
    assert not Case.objects.filter(assignee=outside).exists()


def test_routing_skips_agents_who_are_away(asker: Member) -> None:
    board = board_make()
    away, present = agent_make("away"), agent_make("present")
    policy = SLAPolicy.objects.create(board=board)
    policy.agents.set([away, present])
    agent_availability_set(agent=away, available=False)
    case_update(case=escalate(ask(asker, board)), actor=present, assignee=present)

    # `present` has a case and `away` none, but away agents take nothing new.
    case = escalate(ask(asker, board))

    assert case.assignee == present


def test_with_every_team_member_away_the_case_waits_unassigned(asker: Member) -> None:
    board = board_make()
    only = agent_make("only")
    SLAPolicy.objects.create(board=board).agents.set([only])
    agent_availability_set(agent=only, available=False)

    case = escalate(ask(asker, board))

    assert case.assignee is None
    assert case.status == CaseStatus.NEW


def test_a_board_without_a_team_routes_to_every_agent_with_ties_to_the_oldest(
    asker: Member,
) -> None:
    first, second = agent_make("first"), agent_make("second")

    assignees = [escalate(ask(asker)).assignee for _ in range(3)]

    assert assignees == [first, second, first]


def test_a_team_member_who_is_no_longer_an_agent_gets_no_cases(asker: Member) -> None:
    board = board_make()
    former, current = agent_make("former"), agent_make("current")
    SLAPolicy.objects.create(board=board).agents.set([former, current])
    former.groups.remove(Group.objects.get(name=AGENTS_GROUP))

    assert case_route(ask(asker, board)) == current


def test_availability_is_for_agents_only(helper: Member, agent: Member) -> None:
    with pytest.raises(PermissionDenied):
        agent_availability_set(agent=helper, available=False)

    agent_availability_set(agent=agent, available=False)
    agent_availability_set(agent=agent, available=True)

    assert AgentStatus.objects.get(agent=agent).available is True


# ---------------------------------------------------------------------------- case_update


def test_each_change_by_an_agent_joins_the_timeline_with_who_and_what(
    thread: Thread, agent: Member
) -> None:
    other = agent_make("other")
    case = escalate(thread)

    case_update(
        case=case,
        actor=agent,
        status=CaseStatus.WAITING,
        assignee=other,
        priority=CasePriority.URGENT,
    )

    events = {e.kind: e for e in case.events.all()}
    assert events[CaseEvent.Kind.STATUS].data == {"from": "new", "to": "waiting"}
    assert events[CaseEvent.Kind.ASSIGNED].data == {"from": agent.pk, "to": other.pk}
    assert events[CaseEvent.Kind.PRIORITY].data == {"from": "normal", "to": "urgent"}
    assert {e.actor for e in events.values() if e.kind != CaseEvent.Kind.OPENED} == {agent}
    case.refresh_from_db()
    assert (case.status, case.assignee, case.priority) == ("waiting", other, "urgent")
    # Urgent before a first response: due an hour after opening.
    assert case.sla_due_at == case.created_at + timedelta(hours=1)


def test_an_update_that_changes_nothing_records_nothing(thread: Thread, agent: Member) -> None:
    case = escalate(thread)

    case_update(case=case, actor=agent, status=case.status, priority=case.priority)

    assert kinds(case) == [CaseEvent.Kind.OPENED]


def test_unassigning_records_the_change(thread: Thread, agent: Member) -> None:
    case = escalate(thread)

    case_update(case=case, actor=agent, unassign=True)

    case.refresh_from_db()
    assert case.assignee is None
    assert case.events.get(kind=CaseEvent.Kind.ASSIGNED).data == {"from": agent.pk, "to": None}


@pytest.mark.parametrize("who", ["asker", "moderator", "helper"])
def test_only_agents_change_cases(request: pytest.FixtureRequest, thread: Thread, who: str) -> None:
    case = escalate(thread)

    with pytest.raises(PermissionDenied):
        case_update(case=case, actor=request.getfixturevalue(who), status=CaseStatus.CLOSED)


def test_cases_are_assigned_to_agents_only(thread: Thread, agent: Member, helper: Member) -> None:
    with pytest.raises(ValidationError) as error:
        case_update(case=escalate(thread), actor=agent, assignee=helper)

    assert "assignee" in error.value.message_dict


def test_resolving_stamps_the_time_and_clears_the_thread_flag_and_reopening_undoes_it(
    thread: Thread, agent: Member
) -> None:
    case = escalate(thread)

    case_update(case=case, actor=agent, status=CaseStatus.RESOLVED)
    case.refresh_from_db()
    thread.refresh_from_db()
    assert case.resolved_at is not None
    assert thread.is_escalated is False

    case_update(case=case, actor=agent, status=CaseStatus.OPEN)
    case.refresh_from_db()
    thread.refresh_from_db()
    assert case.resolved_at is None
    assert thread.is_escalated is True


def test_closing_a_resolved_case_keeps_the_moment_it_was_resolved(
    thread: Thread, agent: Member
) -> None:
    case = escalate(thread)
    case_update(case=case, actor=agent, status=CaseStatus.RESOLVED)
    resolved_at = Case.objects.get(pk=case.pk).resolved_at

    case_update(case=case, actor=agent, status=CaseStatus.CLOSED)

    assert Case.objects.get(pk=case.pk).resolved_at == resolved_at


def test_closing_an_old_case_leaves_the_flag_of_a_newer_active_case_alone(
    thread: Thread, asker: Member, agent: Member
) -> None:
    old = escalate(thread)
    case_update(case=old, actor=agent, status=CaseStatus.RESOLVED)
    escalate(thread)

    case_update(case=old, actor=agent, status=CaseStatus.CLOSED)

    thread.refresh_from_db()
    assert thread.is_escalated is True


def test_an_old_case_cannot_reopen_while_a_newer_one_about_the_thread_is_active(
    thread: Thread, agent: Member
) -> None:
    old = escalate(thread)
    case_update(case=old, actor=agent, status=CaseStatus.RESOLVED)
    escalate(thread)

    with pytest.raises(ValidationError) as error:
        case_update(case=old, actor=agent, status=CaseStatus.OPEN)

    assert "status" in error.value.message_dict
    assert Case.objects.get(pk=old.pk).status == CaseStatus.RESOLVED


# ---------------------------------------------------------------------------- messages


def test_the_first_public_message_of_an_agent_is_the_first_response_and_opens_the_case(
    thread: Thread, agent: Member
) -> None:
    case = escalate(thread)
    before = timezone.now()

    case_message_post(case=case, author=agent, body="I'm on it.")
    case.refresh_from_db()
    first_response = case.first_response_at
    case_message_post(case=case, author=agent, body="Found it.")
    case.refresh_from_db()

    assert first_response is not None and first_response >= before
    assert case.first_response_at == first_response
    assert case.status == CaseStatus.OPEN
    assert case.events.filter(kind=CaseEvent.Kind.STATUS).get().data["to"] == "open"


def test_an_internal_note_is_no_first_response(thread: Thread, agent: Member) -> None:
    case = escalate(thread)

    message = case_message_post(
        case=case, author=agent, body="Looks like a billing bug.", internal=True
    )

    case.refresh_from_db()
    assert message.internal is True
    assert case.first_response_at is None
    assert case.status == CaseStatus.NEW
    note_event = case.events.get(kind=CaseEvent.Kind.NOTE)
    assert note_event.internal is True


@pytest.mark.parametrize("status", [CaseStatus.WAITING, CaseStatus.RESOLVED])
def test_the_customer_replying_reopens_a_case_waiting_on_them_or_resolved(
    thread: Thread, asker: Member, agent: Member, status: str
) -> None:
    case = escalate(thread)
    case_update(case=case, actor=agent, status=status)

    case_message_post(case=case, author=asker, body="It happened again this morning.")

    case.refresh_from_db()
    thread.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.resolved_at is None
    assert thread.is_escalated is True
    reopened = case.events.filter(kind=CaseEvent.Kind.STATUS).last()
    assert reopened is not None
    assert (reopened.actor, reopened.data["to"]) == (asker, "open")


def test_the_customer_cannot_write_to_a_closed_case(
    thread: Thread, asker: Member, agent: Member
) -> None:
    case = escalate(thread)
    case_update(case=case, actor=agent, status=CaseStatus.CLOSED)

    with pytest.raises(Conflict):
        case_message_post(case=case, author=asker, body="Hello?")

    assert not case.messages.exists()


def test_the_customer_replying_to_an_old_case_while_a_newer_one_is_active_is_told_to_go_there(
    thread: Thread, asker: Member, agent: Member
) -> None:
    old = escalate(thread)
    case_update(case=old, actor=agent, status=CaseStatus.RESOLVED)
    escalate(thread)

    with pytest.raises(Conflict):
        case_message_post(case=old, author=asker, body="Hello again")

    assert Case.objects.get(pk=old.pk).status == CaseStatus.RESOLVED


def test_the_customer_may_not_write_internal_notes_and_others_may_not_write_at_all(
    thread: Thread, asker: Member, helper: Member, moderator: Member
) -> None:
    case = escalate(thread)

    with pytest.raises(PermissionDenied):
        case_message_post(case=case, author=asker, body="Secret", internal=True)
    for stranger in (helper, moderator):
        with pytest.raises(PermissionDenied):
            case_message_post(case=case, author=stranger, body="Let me in")

    assert not case.messages.exists()


def test_an_empty_message_is_refused(thread: Thread, asker: Member) -> None:
    with pytest.raises(ValidationError):
        case_message_post(case=escalate(thread), author=asker, body="   ")


# ---------------------------------------------------------------------------- staff answer


def test_a_staff_answer_is_a_public_post_marked_in_the_timeline_and_a_first_response(
    thread: Thread, agent: Member
) -> None:
    case = escalate(thread)

    post = case_staff_answer(case=case, agent=agent, body="Top-ups by card can take an hour.")

    assert (post.thread_id, post.author) == (thread.pk, agent)
    event = case.events.get(kind=CaseEvent.Kind.STAFF_ANSWER)
    assert event.data == {"post": post.pk, "solution": False}
    case.refresh_from_db()
    assert case.first_response_at is not None
    assert case.status == CaseStatus.OPEN
    thread.refresh_from_db()
    assert thread.solution_id is None


def test_a_staff_answer_may_be_marked_as_the_solution(thread: Thread, agent: Member) -> None:
    case = escalate(thread)

    post = case_staff_answer(
        case=case, agent=agent, body="Refunded: it is on your card.", mark_solution=True
    )

    thread.refresh_from_db()
    assert thread.solution_id == post.pk
    assert case.events.get(kind=CaseEvent.Kind.STAFF_ANSWER).data["solution"] is True


def test_a_staff_answer_on_a_locked_thread_writes_nothing(
    thread: Thread, agent: Member, moderator: Member
) -> None:
    from community import services

    case = escalate(thread)
    services.thread_lock(thread=thread, actor=moderator, locked=True)

    with pytest.raises(Conflict):
        case_staff_answer(case=case, agent=agent, body="This will not be posted.")

    assert not case.events.filter(kind=CaseEvent.Kind.STAFF_ANSWER).exists()
    assert thread.posts.count() == 0


def test_only_agents_post_staff_answers(thread: Thread, moderator: Member) -> None:
    with pytest.raises(PermissionDenied):
        case_staff_answer(case=escalate(thread), agent=moderator, body="Not staff enough.")


def test_a_case_without_a_thread_takes_no_staff_answer(asker: Member, agent: Member) -> None:
    case, _opened = case_open(customer=asker, reason=CaseReason.SENSITIVE)

    with pytest.raises(ValidationError):
        case_staff_answer(case=case, agent=agent, body="Nowhere to post this.")

    assert case.priority == CasePriority.HIGH


def test_answers_before_the_case_do_not_count_as_its_first_response(
    thread: Thread, helper: Member
) -> None:
    answer(helper, thread)

    case = escalate(thread)

    assert case.first_response_at is None
