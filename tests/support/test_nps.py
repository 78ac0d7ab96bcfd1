"""NPS: who is asked "How likely are you to recommend <brand> to a friend?", when, and what
the answers add up to (support.satisfaction.services.nps_record, selectors.nps_due,
selectors.nps_summary / nps_trend; docs/api.md, "Satisfaction and the voice of the customer").
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from community import services
from community.errors import Conflict
from community.models import Member
from support.cases.models import CaseReason
from support.cases.services import case_open
from support.satisfaction import selectors
from support.satisfaction.models import NpsPostponement, NpsResponse
from support.satisfaction.personal_data import satisfaction_erase, satisfaction_personal_data
from support.satisfaction.selectors import Nps, nps_due, nps_summary, nps_trend
from support.satisfaction.services import nps_postpone, nps_record
from tests import builders
from tests.builders import agent_make, ask, member_make

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def active_member(**kwargs: object) -> Member:
    member = member_make(joined_ago=timedelta(days=60), **kwargs)  # type: ignore[arg-type]
    member.last_login = NOW - timedelta(days=2)
    member.save(update_fields=["last_login"])
    return member


# ---------------------------------------------------------------------------- who is asked


def test_an_active_member_with_an_older_account_is_due(clock: object) -> None:
    assert nps_due(viewer=active_member()) is True


def test_a_new_account_is_not_asked_until_it_is_two_weeks_old(clock: object) -> None:
    member = member_make(joined_ago=timedelta(days=13, hours=23))
    member.last_login = NOW
    assert nps_due(viewer=member) is False
    member.date_joined = NOW - timedelta(days=14)
    assert nps_due(viewer=member) is True


def test_a_member_neither_signed_in_nor_posting_in_30_days_is_not_asked(clock: object) -> None:
    member = member_make(joined_ago=timedelta(days=200))
    member.last_login = NOW - timedelta(days=31)
    assert nps_due(viewer=member) is False
    # Posting counts as being active, whatever the last sign-in.
    ask(author=member, ago=timedelta(days=29))
    assert nps_due(viewer=member) is True


def test_staff_and_visitors_are_never_asked(clock: object) -> None:
    from django.contrib.auth.models import AnonymousUser

    agent = agent_make(date_joined=NOW - timedelta(days=100), last_login=NOW)
    assert nps_due(viewer=agent) is False
    assert nps_due(viewer=AnonymousUser()) is False


def test_an_answer_keeps_the_member_from_being_asked_for_90_days(
    clock: time_machine.Traveller,
) -> None:
    member = active_member()
    nps_record(respondent=member, score=9)
    clock.move_to(NOW + timedelta(days=89, hours=23))
    member.last_login = NOW + timedelta(days=89)
    assert nps_due(viewer=member) is False
    clock.move_to(NOW + timedelta(days=90, minutes=1))
    assert nps_due(viewer=member) is True


def test_dismissing_postpones_the_question_for_two_weeks(
    clock: time_machine.Traveller,
) -> None:
    member = active_member()
    until = nps_postpone(member=member)
    assert until == NOW + timedelta(days=14)
    assert nps_due(viewer=member) is False
    clock.move_to(NOW + timedelta(days=14, seconds=1))
    assert nps_due(viewer=member) is True


def test_dismissing_twice_moves_the_date_and_answering_clears_it(
    clock: time_machine.Traveller,
) -> None:
    member = active_member()
    nps_postpone(member=member)
    clock.move_to(NOW + timedelta(days=3))
    nps_postpone(member=member)
    assert NpsPostponement.objects.get(member=member).until == NOW + timedelta(days=17)
    nps_record(respondent=member, score=7)
    assert not NpsPostponement.objects.filter(member=member).exists()


# ---------------------------------------------------------------------------- answering


def test_an_answer_is_kept_with_its_comment_and_the_members_segments(clock: object) -> None:
    member, helper = active_member(), active_member()
    thread = ask(author=member)
    reply = builders.answer(author=helper, thread=thread)
    services.solution_accept(thread=thread, post=reply, actor=member)
    case_open(customer=member, reason=CaseReason.REQUESTED)

    answer = nps_record(respondent=member, score="10", comment="  Quick and kind.  ")
    helped = nps_record(respondent=helper, score=3)

    assert (answer.score, answer.comment, answer.created_at) == (10, "Quick and kind.", NOW)
    assert (answer.was_asker, answer.was_helper, answer.had_case) == (True, False, True)
    assert (helped.was_asker, helped.was_helper, helped.had_case) == (False, True, False)


@pytest.mark.parametrize("score", [-1, 11, "ten", None, True, 9.5])
def test_a_score_outside_0_to_10_is_refused(clock: object, score: object) -> None:
    with pytest.raises(ValidationError):
        nps_record(respondent=active_member(), score=score)
    assert not NpsResponse.objects.exists()


def test_0_and_10_are_both_accepted(clock: object) -> None:
    nps_record(respondent=active_member(), score=0)
    nps_record(respondent=active_member(), score=10)
    assert sorted(NpsResponse.objects.values_list("score", flat=True)) == [0, 10]


def test_a_second_answer_within_90_days_is_refused_and_allowed_after(
    clock: time_machine.Traveller,
) -> None:
    member = active_member()
    nps_record(respondent=member, score=6)
    clock.move_to(NOW + timedelta(days=89))
    with pytest.raises(Conflict):
        nps_record(respondent=member, score=9)
    clock.move_to(NOW + timedelta(days=90, seconds=1))
    nps_record(respondent=member, score=9)
    assert NpsResponse.objects.filter(respondent=member).count() == 2


def test_staff_cannot_answer(clock: object) -> None:
    with pytest.raises(PermissionDenied):
        nps_record(respondent=agent_make(), score=10)


# ---------------------------------------------------------------------------- the score


def test_the_score_is_promoters_minus_detractors_in_percent() -> None:
    assert Nps().score is None
    assert Nps.of({10: 2, 9: 1, 8: 1, 7: 1, 6: 2, 0: 1}).as_dict() == {
        "score": 0,
        "promoters": 3,
        "passives": 2,
        "detractors": 3,
        "responses": 8,
    }
    assert Nps.of({10: 1}).score == 100
    assert Nps.of({0: 1, 6: 2}).score == -100
    assert Nps.of({9: 2, 7: 1}).score == 67  # 66.7, rounded


def test_the_summary_counts_the_period_and_splits_by_segment(clock: object) -> None:
    asker, helper, customer = active_member(), active_member(), active_member()
    thread = ask(author=asker)
    reply = builders.answer(author=helper, thread=thread)
    services.solution_accept(thread=thread, post=reply, actor=asker)
    case_open(customer=customer, reason=CaseReason.REQUESTED)
    nps_record(respondent=asker, score=10)
    nps_record(respondent=helper, score=9)
    nps_record(respondent=customer, score=2)
    old = active_member()
    old_answer = nps_record(respondent=old, score=0)
    NpsResponse.objects.filter(pk=old_answer.pk).update(created_at=NOW - timedelta(days=40))

    summary = nps_summary(since=NOW - timedelta(days=30), until=NOW)

    assert summary["overall"].as_dict() == {
        "score": 33,
        "promoters": 2,
        "passives": 0,
        "detractors": 1,
        "responses": 3,
    }
    assert summary["askers"] == Nps(promoters=1)
    assert summary["helpers"] == Nps(promoters=1)
    assert summary["with_case"] == Nps(detractors=1)


def test_the_trend_has_one_row_per_month_oldest_first(clock: object) -> None:
    for days_ago, score in [(0, 10), (1, 0), (35, 9), (200, 0)]:
        made = nps_record(respondent=active_member(), score=score)
        NpsResponse.objects.filter(pk=made.pk).update(created_at=NOW - timedelta(days=days_ago))

    trend = nps_trend()

    assert [month.isoformat() for month, _ in trend] == [
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
        "2026-04-01",
        "2026-05-01",
        "2026-06-01",
    ]
    assert trend[-1][1] == Nps(promoters=1, detractors=1)
    assert trend[-2][1] == Nps(promoters=1)
    assert sum(n.responses for _, n in trend) == 3  # the one from 200 days ago is older


def test_the_due_check_costs_one_query_and_none_for_staff(
    clock: object, django_assert_num_queries: object
) -> None:
    member = active_member()
    agent = agent_make(date_joined=NOW - timedelta(days=100), last_login=NOW)
    # Their groups are loaded with the request's member (one query for the whole request).
    member.group_names  # noqa: B018
    agent.group_names  # noqa: B018
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert nps_due(viewer=member)
    newcomer = member_make(joined_ago=None, last_login=NOW)
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert not nps_due(viewer=agent)
        assert not selectors.nps_due(viewer=newcomer)


# ---------------------------------------------------------------------------- personal data


def test_the_answers_are_in_the_members_data_and_deletion_erases_their_comments(
    clock: object,
) -> None:
    member = active_member()
    nps_record(respondent=member, score=8, comment="Good forum.")
    assert satisfaction_personal_data(member)["nps"] == [
        {"score": 8, "comment": "Good forum.", "created_at": "2026-06-15T12:00:00+00:00"}
    ]
    nps_postpone(member=member)
    satisfaction_erase(member)
    assert NpsResponse.objects.get(respondent=member).comment == ""
    assert not NpsPostponement.objects.filter(member=member).exists()
