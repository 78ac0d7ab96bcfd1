"""support.cases.selectors: who may fetch a case, what the customer's timeline and conversation
leave out, the queue's order and overdue mark, and a customer's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from community.models import Member, Thread
from support.cases import selectors
from support.cases.models import Case, CaseEvent, CaseStatus
from support.cases.services import case_message_post, case_update
from support.satisfaction.models import Satisfaction
from tests.builders import agent_make, ask
from tests.support.cases_helpers import escalate

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(asker)


@pytest.fixture
def case(thread: Thread, agent: Member) -> Case:
    case = escalate(thread, message="Help me")
    case_message_post(case=case, author=agent, body="On it")
    case_message_post(case=case, author=agent, body="a note", internal=True)
    case_update(case=case, actor=agent, priority="high", assignee=agent_make("bea"))
    return case


@pytest.mark.parametrize("who", ["asker", "agent"])
def test_the_customer_and_agents_fetch_the_case(
    request: pytest.FixtureRequest, case: Case, who: str
) -> None:
    fetched = selectors.case_get_for_viewer(case_id=case.pk, viewer=request.getfixturevalue(who))

    assert fetched == case


@pytest.mark.parametrize("who", ["helper", "moderator", "outsider"])
def test_anyone_else_gets_404_not_403(request: pytest.FixtureRequest, case: Case, who: str) -> None:
    with pytest.raises(Http404):
        selectors.case_get_for_viewer(case_id=case.pk, viewer=request.getfixturevalue(who))


def test_an_agent_who_left_or_was_deactivated_gets_404(case: Case, agent: Member) -> None:
    agent.is_active = False
    agent.save(update_fields=["is_active"])

    with pytest.raises(Http404):
        selectors.case_get_for_viewer(case_id=case.pk, viewer=agent)


def test_anonymous_visitors_get_404(case: Case) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Http404):
        selectors.case_get_for_viewer(case_id=case.pk, viewer=AnonymousUser())


def test_the_customer_sees_no_notes_and_only_the_public_timeline(
    case: Case, asker: Member, agent: Member
) -> None:
    customer_messages = selectors.case_messages_for_viewer(case=case, viewer=asker)
    agent_messages = selectors.case_messages_for_viewer(case=case, viewer=agent)
    customer_events = selectors.case_events_for_viewer(case=case, viewer=asker)
    agent_events = selectors.case_events_for_viewer(case=case, viewer=agent)

    assert [m.body for m in customer_messages] == ["Help me", "On it"]
    assert [m.body for m in agent_messages] == ["Help me", "On it", "a note"]
    assert {e.kind for e in customer_events} == {CaseEvent.Kind.OPENED, CaseEvent.Kind.STATUS}
    assert {e.kind for e in agent_events} >= {
        CaseEvent.Kind.NOTE,
        CaseEvent.Kind.PRIORITY,
        CaseEvent.Kind.ASSIGNED,
    }


def test_the_queue_marks_overdue_cases_and_puts_them_first(
    asker: Member, helper: Member, agent: Member
) -> None:
    fresh = escalate(ask(asker))
    late = escalate(ask(helper))
    Case.objects.filter(pk=late.pk).update(sla_due_at=timezone.now() - timedelta(minutes=1))
    answered = escalate(ask(helper))
    Case.objects.filter(pk=answered.pk).update(sla_due_at=timezone.now() - timedelta(hours=2))
    case_message_post(case=answered, author=agent, body="Replied in time-ish")

    queue = list(selectors.case_list(viewer=agent, status="active"))

    assert [c.pk for c in queue] == [late.pk, fresh.pk, answered.pk]
    assert [getattr(c, "is_overdue") for c in queue] == [True, False, False]  # noqa: B009


def test_a_customers_list_is_their_own_newest_first(asker: Member, helper: Member) -> None:
    first = escalate(ask(asker))
    escalate(ask(helper))
    second = escalate(ask(asker))

    assert list(selectors.case_list(viewer=asker)) == [second, first]


def test_the_history_shows_other_questions_cases_and_scores_but_not_the_case_itself(
    case: Case, thread: Thread, asker: Member, agent: Member
) -> None:
    other_thread = ask(asker)
    other_case = escalate(other_thread)
    case_update(case=other_case, actor=agent, status=CaseStatus.RESOLVED)
    Satisfaction.objects.create(respondent=asker, case=other_case, rated=agent, score=2)

    history = selectors.customer_history(customer=asker, case=case)

    assert history.threads == [other_thread]
    assert history.thread_count == 1
    assert history.cases == [other_case]
    assert history.case_count == 1
    assert [s.score for s in history.satisfaction] == [2]


def test_agent_choices_give_each_agents_load_and_availability(case: Case, agent: Member) -> None:
    from support.cases.services import agent_availability_set

    agent_availability_set(agent=agent, available=False)

    choices = {c.agent.username: c for c in selectors.agent_choices()}

    assert (choices["agent"].available, choices["agent"].load) == (False, 0)
    assert (choices["bea"].available, choices["bea"].load) == (True, 1)
