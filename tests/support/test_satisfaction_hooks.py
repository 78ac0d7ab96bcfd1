"""When the asker (or a case's customer) is asked "Did this solve your problem?"."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from community import services
from community.models import HiddenReason, Member
from support import events
from support.cases.models import CaseReason, CaseStatus
from support.cases.services import case_open, case_update
from support.satisfaction.services import ask_after, satisfaction_ask_due, satisfaction_record
from tests import builders
from tests.builders import AN_HOUR, ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests() -> Iterator[list[dict[str, Any]]]:
    sent: list[dict[str, Any]] = []

    def receiver(signal: Any, sender: Any, **kwargs: Any) -> None:
        sent.append(kwargs)

    events.satisfaction_requested.connect(receiver, dispatch_uid="test-satisfaction-requests")
    yield sent
    events.satisfaction_requested.disconnect(dispatch_uid="test-satisfaction-requests")


def ask_due_later() -> int:
    """The every-minute task, run once the question's wait is over."""
    return satisfaction_ask_due(now=timezone.now() + ask_after())


def test_accepting_a_solution_asks_the_asker_a_while_later(
    requests: list[dict[str, Any]], asker: Member, helper: Member, moderator: Member
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    answer = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        services.solution_accept(thread=thread, post=answer, actor=moderator)
        assert requests == []
        assert satisfaction_ask_due() == 0
        clock.shift(ask_after() - timedelta(seconds=1))
        assert satisfaction_ask_due() == 0
        clock.shift(timedelta(seconds=1))
        assert satisfaction_ask_due() == 1
    assert requests == [{"member_id": asker.pk, "thread_id": thread.pk, "case_id": None}]
    # Once: the next minute's run finds nothing to send.
    assert ask_due_later() == 0
    assert len(requests) == 1


def test_an_asker_who_accepts_their_own_answer_is_not_asked(
    requests: list[dict[str, Any]], asker: Member
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    own = builders.answer(thread=thread, author=asker, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=own, actor=asker)
    assert ask_due_later() == 0
    assert requests == []


def test_a_changed_solution_asks_again_only_if_the_asker_has_not_answered(
    requests: list[dict[str, Any]], asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    first = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    second = builders.answer(thread=thread, author=outsider, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=first, actor=asker)
    assert ask_due_later() == 1
    services.solution_accept(thread=thread, post=second, actor=asker)
    assert ask_due_later() == 1
    assert len(requests) == 2
    satisfaction_record(thread=thread, respondent=asker, score=4)
    services.solution_accept(thread=thread, post=first, actor=asker)
    assert ask_due_later() == 0
    assert len(requests) == 2


@pytest.mark.parametrize("meanwhile", ["withdrawn", "rated", "hidden"])
def test_nothing_is_asked_when_the_question_no_longer_stands(
    requests: list[dict[str, Any]],
    asker: Member,
    helper: Member,
    moderator: Member,
    meanwhile: str,
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    answer = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=answer, actor=asker)
    if meanwhile == "withdrawn":
        services.solution_withdraw(thread=thread, actor=asker)
    elif meanwhile == "rated":
        satisfaction_record(thread=thread, respondent=asker, score=5)
    else:
        services.content_hide(post=answer, reason=HiddenReason.MODERATOR, actor_id=moderator.pk)

    assert ask_due_later() == 0
    assert requests == []


def test_a_case_becoming_resolved_asks_its_customer_once(
    requests: list[dict[str, Any]], asker: Member, agent: Member
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    case, _opened = case_open(customer=asker, reason=CaseReason.REQUESTED, thread=thread)
    case_update(case=case, actor=agent, status=CaseStatus.OPEN)
    assert requests == []
    case_update(case=case, actor=agent, status=CaseStatus.RESOLVED)
    assert requests == [{"member_id": asker.pk, "thread_id": thread.pk, "case_id": case.pk}]
    # Resolved, then closed: the same ending, not a second question.
    case_update(case=case, actor=agent, status=CaseStatus.CLOSED)
    case_update(case=case, actor=agent, priority="high")
    assert len(requests) == 1


def test_a_reopened_case_resolved_again_asks_only_if_unanswered(
    requests: list[dict[str, Any]], asker: Member, agent: Member
) -> None:
    case, _opened = case_open(customer=asker, reason=CaseReason.REQUESTED)
    case_update(case=case, actor=agent, status=CaseStatus.RESOLVED)
    case_update(case=case, actor=agent, status=CaseStatus.OPEN)
    case_update(case=case, actor=agent, status=CaseStatus.CLOSED)
    assert len(requests) == 2
    satisfaction_record(case=case, respondent=asker, score=5)
    case_update(case=case, actor=agent, status=CaseStatus.OPEN)
    case_update(case=case, actor=agent, status=CaseStatus.RESOLVED)
    assert len(requests) == 2
