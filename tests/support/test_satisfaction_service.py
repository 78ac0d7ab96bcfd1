"""satisfaction_record: who may rate what, when, and who the score is about."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community import services
from community.errors import Conflict
from community.models import Member, Post, Thread
from support.cases.models import Case, CaseReason, CaseStatus
from support.cases.services import case_open, case_update
from support.insights.selectors import Score, satisfaction_average, satisfaction_averages
from support.satisfaction.models import Satisfaction
from support.satisfaction.services import satisfaction_record
from tests import builders
from tests.builders import AN_HOUR, ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved(asker: Member, helper: Member) -> tuple[Thread, Post]:
    thread = ask(author=asker, ago=AN_HOUR)
    answer = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=answer, actor=asker)
    thread.refresh_from_db()
    return thread, answer


@pytest.fixture
def resolved_case(asker: Member, agent: Member) -> Case:
    thread = ask(author=asker, ago=AN_HOUR)
    case, _opened = case_open(customer=asker, reason=CaseReason.REQUESTED, thread=thread)
    return case_update(case=case, actor=agent, status=CaseStatus.RESOLVED, assignee=agent)


def test_the_asker_rates_the_solution_and_the_score_is_about_its_author(
    solved: tuple[Thread, Post], asker: Member, helper: Member
) -> None:
    thread, _answer = solved
    rating = satisfaction_record(thread=thread, respondent=asker, score=4, comment="  Thanks!  ")
    assert (rating.score, rating.comment, rating.rated_id) == (4, "Thanks!", helper.pk)
    assert rating.thread_id == thread.pk and rating.case_id is None


def test_only_the_asker_may_rate_a_solution(
    solved: tuple[Thread, Post], helper: Member, outsider: Member, moderator: Member
) -> None:
    thread, _answer = solved
    for member in (helper, outsider, moderator):
        with pytest.raises(PermissionDenied):
            satisfaction_record(thread=thread, respondent=member, score=5)
    assert not Satisfaction.objects.exists()


def test_a_question_without_an_accepted_solution_cannot_be_rated_yet(
    asker: Member, helper: Member
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    with pytest.raises(Conflict, match="There is no accepted solution to rate yet."):
        satisfaction_record(thread=thread, respondent=asker, score=5)


def test_a_second_rating_is_refused_and_the_first_one_stands(
    solved: tuple[Thread, Post], asker: Member
) -> None:
    thread, _answer = solved
    satisfaction_record(thread=thread, respondent=asker, score=2)
    with pytest.raises(Conflict, match="You already rated this."):
        satisfaction_record(thread=thread, respondent=asker, score=5)
    assert list(Satisfaction.objects.values_list("score", flat=True)) == [2]


@pytest.mark.parametrize("score", [0, 6, -1, "abc", None, True, 4.5, ""])
def test_a_score_outside_one_to_five_is_refused(
    solved: tuple[Thread, Post], asker: Member, score: object
) -> None:
    thread, _answer = solved
    with pytest.raises(ValidationError) as caught:
        satisfaction_record(thread=thread, respondent=asker, score=score)
    assert caught.value.message_dict == {"score": ["Choose a score from 1 to 5."]}


def test_a_comment_over_two_thousand_characters_is_refused(
    solved: tuple[Thread, Post], asker: Member
) -> None:
    thread, _answer = solved
    satisfaction_record(thread=thread, respondent=asker, score=3, comment="x" * 2000)
    Satisfaction.objects.all().delete()
    with pytest.raises(ValidationError) as caught:
        satisfaction_record(thread=thread, respondent=asker, score=3, comment="x" * 2001)
    assert "comment" in caught.value.message_dict


def test_an_asker_who_accepted_their_own_answer_has_nothing_to_rate(asker: Member) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    own = builders.answer(thread=thread, author=asker, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=own, actor=asker)
    with pytest.raises(PermissionDenied):
        satisfaction_record(thread=thread, respondent=asker, score=5)


def test_a_rating_outlives_a_withdrawn_solution(solved: tuple[Thread, Post], asker: Member) -> None:
    thread, _answer = solved
    satisfaction_record(thread=thread, respondent=asker, score=5)
    services.solution_withdraw(thread=thread, actor=asker)
    assert Satisfaction.objects.filter(thread=thread).count() == 1


def test_the_customer_rates_a_resolved_case_and_the_score_is_about_its_agent(
    resolved_case: Case, asker: Member, agent: Member
) -> None:
    rating = satisfaction_record(case=resolved_case, respondent=asker, score=5)
    assert (rating.case_id, rating.thread_id, rating.rated_id) == (
        resolved_case.pk,
        resolved_case.thread_id,
        agent.pk,
    )
    with pytest.raises(Conflict, match="You already rated this."):
        satisfaction_record(case=resolved_case, respondent=asker, score=1)


def test_a_case_rating_and_a_solution_rating_of_the_same_thread_live_side_by_side(
    resolved_case: Case, asker: Member, helper: Member
) -> None:
    thread = resolved_case.thread
    assert thread is not None
    answer = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
    services.solution_accept(thread=thread, post=answer, actor=asker)
    satisfaction_record(case=resolved_case, respondent=asker, score=4)
    satisfaction_record(thread=thread, respondent=asker, score=5)
    assert Satisfaction.objects.count() == 2


def test_a_case_is_rated_only_by_its_customer_and_only_once_resolved(
    asker: Member, agent: Member, outsider: Member
) -> None:
    case, _opened = case_open(customer=asker, reason=CaseReason.REQUESTED)
    with pytest.raises(Conflict, match="once it is resolved"):
        satisfaction_record(case=case, respondent=asker, score=5)
    case_update(case=case, actor=agent, status=CaseStatus.CLOSED)
    for member in (agent, outsider):
        with pytest.raises(PermissionDenied):
            satisfaction_record(case=case, respondent=member, score=5)
    satisfaction_record(case=case, respondent=asker, score=5)


def test_rating_needs_exactly_one_of_a_thread_and_a_case(asker: Member) -> None:
    with pytest.raises(ValueError, match="either"):
        satisfaction_record(respondent=asker, score=5)


def test_the_averages_per_helper_and_agent_count_every_score_about_them(
    asker: Member, helper: Member, agent: Member, resolved_case: Case
) -> None:
    for score in (5, 2):
        thread = ask(author=asker, ago=AN_HOUR)
        answer = builders.answer(thread=thread, author=helper, ago=AN_HOUR)
        services.solution_accept(thread=thread, post=answer, actor=asker)
        satisfaction_record(thread=thread, respondent=asker, score=score)
    satisfaction_record(case=resolved_case, respondent=asker, score=4)

    assert satisfaction_average(member_id=helper.pk) == Score(3.5, 2)
    assert satisfaction_average(member_id=agent.pk) == Score(4.0, 1)
    assert satisfaction_average(member_id=asker.pk) == Score(None, 0)
    averages = satisfaction_averages(member_ids=[helper.pk, agent.pk, asker.pk])
    assert {pk: (s.average, s.count) for pk, s in averages.items()} == {
        helper.pk: (3.5, 2),
        agent.pk: (4.0, 1),
    }
