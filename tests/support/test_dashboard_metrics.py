"""The staff dashboard's figures on a dataset built by hand, with exact expected values.

Content is written through the services; its timestamps are then set with queryset.update
(created_at, first_answer_at, solved_at), so every duration is known to the second.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from community import services
from community.models import HiddenReason, Member, Thread
from support.cases.models import CaseEvent, CaseReason, CaseStatus
from support.cases.services import case_open, case_update
from support.insights.selectors import (
    Dashboard,
    Day,
    Score,
    dashboard_metrics,
    percentile,
    period_for,
)
from support.satisfaction.services import satisfaction_record
from tests import builders
from tests.builders import AN_HOUR, ask
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

MINUTE = timedelta(minutes=1)


def question(
    asker: Member,
    *,
    asked: datetime,
    first_answer_after: timedelta | None = None,
    solved_by: Member | None = None,
    solved_after: timedelta | None = None,
    answerer: Member | None = None,
) -> Thread:
    """A question asked at `asked`, answered and solved after the given times."""
    thread = ask(author=asker, ago=AN_HOUR)
    if first_answer_after is not None:
        builders.answer(thread=thread, author=answerer or solved_by or asker, ago=AN_HOUR)
    if solved_by is not None:
        answer = builders.answer(thread=thread, author=solved_by, ago=AN_HOUR)
        services.solution_accept(thread=thread, post=answer, actor=asker)
    Thread.objects.filter(pk=thread.pk).update(
        created_at=asked,
        first_answer_at=asked + first_answer_after if first_answer_after else None,
        solved_at=asked + solved_after if solved_after else None,
    )
    thread.refresh_from_db()
    return thread


class World:
    """Five questions two days ago, one three weeks ago, one spam; cases, breaches, scores."""

    def __init__(self, asker: Member, helper: Member, agent: Member) -> None:
        self.now = timezone.now()
        self.asked = self.now - timedelta(days=2)
        self.day = timezone.localtime(self.asked).date()
        self.helper2 = MemberFactory.create(username="helper2")
        q = question
        # First answers after 1, 2, 3 and 10 minutes; solutions after 60, 120, 600 minutes.
        self.t1 = q(asker, asked=self.asked, first_answer_after=1 * MINUTE,
                    solved_by=helper, solved_after=60 * MINUTE)  # fmt: skip
        self.t2 = q(asker, asked=self.asked, first_answer_after=2 * MINUTE,
                    solved_by=agent, solved_after=120 * MINUTE)  # fmt: skip
        self.t3 = q(asker, asked=self.asked, first_answer_after=3 * MINUTE, answerer=helper)
        self.t4 = q(asker, asked=self.asked, first_answer_after=10 * MINUTE,
                    solved_by=helper, solved_after=600 * MINUTE)  # fmt: skip
        self.t5 = q(asker, asked=self.asked)
        # Asked three weeks ago (outside 7 days, inside 30), solved yesterday by helper2.
        self.old = q(asker, asked=self.now - timedelta(days=21), first_answer_after=5 * MINUTE,
                     solved_by=self.helper2, solved_after=timedelta(days=20))  # fmt: skip
        # Spam, hidden after flags: in no count.
        spam = q(asker, asked=self.asked, first_answer_after=1 * MINUTE, answerer=helper)
        Thread.objects.filter(pk=spam.pk).update(hidden_reason=HiddenReason.FLAGGED)

        # Cases: t2 (later solved by the agent) and t3 (resolved by the agent).
        case2, _ = case_open(customer=asker, reason=CaseReason.REQUESTED, thread=self.t2)
        case3, _ = case_open(customer=asker, reason=CaseReason.SLA_UNSOLVED, thread=self.t3)
        case_update(case=case3, actor=agent, status=CaseStatus.RESOLVED, assignee=agent)
        CaseEvent.objects.create(
            case=case2, kind=CaseEvent.Kind.SLA_BREACHED, created_at=self.now - timedelta(days=1)
        )
        CaseEvent.objects.create(
            case=case3, kind=CaseEvent.Kind.SLA_BREACHED, created_at=self.now - timedelta(days=10)
        )

        # Scores: helper 5 and 3; agent 2 (a staff solution) and 4 (the case).
        satisfaction_record(thread=self.t1, respondent=asker, score=5)
        satisfaction_record(thread=self.t4, respondent=asker, score=3)
        satisfaction_record(thread=self.t2, respondent=asker, score=2)
        satisfaction_record(case=case3, respondent=asker, score=4)
        # "Now" for the dashboard: after every write above.
        self.now = timezone.now()


@pytest.fixture
def world(asker: Member, helper: Member, agent: Member) -> World:
    return World(asker, helper, agent)


@pytest.fixture
def week(world: World) -> Dashboard:
    return dashboard_metrics(days=7, now=world.now)


def test_percentiles_interpolate_between_the_closest_ranks() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([10, 1, 3, 2], 0.5) == 2.5
    assert percentile([1, 2, 3, 10], 0.9) == pytest.approx(7.9)
    assert percentile([60, 120, 600], 0.9) == pytest.approx(504)


def test_the_period_is_whole_local_days_with_today_included(world: World) -> None:
    period = period_for(7, now=world.now)
    today = timezone.localtime(world.now).date()
    assert period.dates[0] == today - timedelta(days=6) and period.dates[-1] == today
    assert timezone.localtime(period.start).time().isoformat() == "00:00:00"
    with pytest.raises(ValueError):
        period_for(14)


def test_questions_count_the_period_without_spam(week: Dashboard) -> None:
    assert (week.questions, week.answered, week.solved) == (5, 4, 3)
    assert week.solved_share == pytest.approx(3 / 5)


def test_the_community_solved_share_leaves_out_staff_solutions(week: Dashboard) -> None:
    assert week.community_solved == 2
    assert week.community_solved_share == pytest.approx(2 / 3)


def test_solved_without_a_case_leaves_out_escalated_threads(week: Dashboard) -> None:
    assert week.solved_without_case == 2
    assert week.solved_without_case_share == pytest.approx(2 / 3)


def test_the_escalation_rate_is_threads_with_a_case_over_threads(week: Dashboard) -> None:
    assert week.escalated == 2
    assert week.escalation_rate == pytest.approx(0.4)


def test_time_to_first_answer_has_exact_median_and_p90(week: Dashboard) -> None:
    assert week.first_answer.count == 4
    assert week.first_answer.median == timedelta(minutes=2.5)
    assert week.first_answer.p90 is not None
    assert week.first_answer.p90.total_seconds() == pytest.approx(7.9 * 60)


def test_time_to_solution_has_exact_median_and_p90(week: Dashboard) -> None:
    assert week.solution.count == 3
    assert week.solution.median == timedelta(minutes=120)
    assert week.solution.p90 == timedelta(minutes=504)


def test_sla_breaches_count_the_breaches_that_happened_in_the_period(
    world: World, week: Dashboard
) -> None:
    assert week.sla_breaches == 1
    assert dashboard_metrics(days=30, now=world.now).sla_breaches == 2


def test_satisfaction_splits_community_helpers_from_staff(week: Dashboard) -> None:
    overall, helpers, agents = (week.satisfaction[k] for k in ("overall", "helpers", "agents"))
    assert (overall.count, overall.average) == (4, 3.5)
    assert (helpers.count, helpers.average) == (2, 4.0)
    assert (agents.count, agents.average) == (2, 3.0)
    assert helpers.distribution == ((5, 1), (4, 0), (3, 1), (2, 0), (1, 0))
    assert agents.distribution == ((5, 0), (4, 1), (3, 0), (2, 1), (1, 0))
    assert overall.rows[0] == (5, 1, 25)


def test_staff_are_listed_with_their_average_score(week: Dashboard, agent: Member) -> None:
    assert [(row.username, row.score) for row in week.agents] == [("agent", Score(3.0, 2))]


def test_top_helpers_count_solutions_accepted_in_the_period_and_leave_out_staff(
    world: World, week: Dashboard, helper: Member
) -> None:
    rows = [(h.member.username, h.solutions, h.score) for h in week.top_helpers]
    # helper2's solution came yesterday, for a question asked three weeks ago.
    assert rows == [("helper", 2, Score(4.0, 2)), ("helper2", 1, Score(None, 0))]


def test_the_daily_series_puts_each_question_on_the_day_it_was_asked(
    world: World, week: Dashboard
) -> None:
    assert len(week.days) == 7
    by_day: dict[date, Day] = {d.day: d for d in week.days}
    day = by_day[world.day]
    assert (day.questions, day.answered, day.solved, day.community_solved, day.escalated) == (
        5,
        4,
        3,
        2,
        2,
    )
    assert day.solved_share == pytest.approx(0.6)
    assert day.median_first_answer == timedelta(minutes=2.5)
    others = [d for d in week.days if d.day != world.day]
    assert all(d.questions == 0 and d.solved_share is None for d in others)


def test_a_longer_period_takes_in_older_questions(world: World) -> None:
    month = dashboard_metrics(days=30, now=world.now)
    assert (month.questions, month.solved, month.community_solved) == (6, 4, 3)
    assert month.first_answer.median == timedelta(minutes=3)


def test_an_empty_community_has_no_figures_rather_than_zero_divisions(db: None) -> None:
    empty = dashboard_metrics(days=90)
    assert empty.questions == 0
    assert empty.community_solved_share is None and empty.escalation_rate is None
    assert empty.first_answer.median is None and empty.satisfaction["overall"].average is None
    assert empty.top_helpers == [] and empty.trending == [] and len(empty.days) == 90
