"""When the asker (or a case's customer) is asked "Did this solve your problem?"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from community import services
from community.models import Member
from support import events
from support.cases.models import CaseReason, CaseStatus
from support.cases.services import case_open, case_update
from support.satisfaction.services import satisfaction_record
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


def test_accepting_a_solution_asks_the_asker(
    requests: list[dict[str, Any]], asker: Member, helper: Member, moderator: Member
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    answer = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=answer, actor=moderator)
    assert requests == [{"member_id": asker.pk, "thread_id": thread.pk, "case_id": None}]


def test_an_asker_who_accepts_their_own_answer_is_not_asked(
    requests: list[dict[str, Any]], asker: Member
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    own = builders.answer(thread=thread, author=asker, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=own, actor=asker)
    assert requests == []


def test_a_changed_solution_asks_again_only_if_the_asker_has_not_answered(
    requests: list[dict[str, Any]], asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    first = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    second = builders.answer(thread=thread, author=outsider, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=first, actor=asker)
    services.solution_accept(thread=thread, post=second, actor=asker)
    assert len(requests) == 2
    satisfaction_record(thread=thread, respondent=asker, score=4)
    services.solution_accept(thread=thread, post=first, actor=asker)
    assert len(requests) == 2


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
