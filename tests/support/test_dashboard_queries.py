"""The dashboard's query budget, at two data sizes, so an N+1 fails the build.

The page and the CSV are read with a small and a large community under the same
django_assert_max_num_queries budget, and the two counts must be equal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Member, Tag, Thread
from support.cases.models import CaseEvent, CaseReason, CaseStatus
from support.cases.services import case_open, case_update
from support.deflection.services import deflection_record
from support.insights.selectors import dashboard_metrics
from support.satisfaction.services import satisfaction_record
from tests import builders
from tests.builders import ask, board_make
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

AssertMaxQueries = Callable[..., AbstractContextManager[Any]]
# The dashboard's own: thread rows, SLA breaches, satisfaction summary, staff ratings, top
# helpers (counts, members, scores), trending boards and trending tags, deflection counts
# and the most deflected questions.
METRICS_QUERIES = 11
# NPS: the period's score by segment, the month-by-month trend, the latest comments.
NPS_QUERIES = 3
# Cases by category and by root cause (the cases, their scores, their members' NPS);
# questions, cases and scores by board and tag.
VOC_QUERIES = 3 + 4
# The known issues with the questions they absorbed and the escalations they saved.
KNOWN_ISSUES_QUERIES = 1
# Plus the request's session, member and groups (the role check), the staff member's second
# factor (community/second_factor.py), and the bell's unread count in the page's header.
PAGE_BUDGET = 4 + METRICS_QUERIES + NPS_QUERIES + VOC_QUERIES + KNOWN_ISSUES_QUERIES + 1
# Session, member, groups, second factor, the thread rows.
CSV_BUDGET = 5


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def community(size: int, agent: Member) -> None:
    """`size` askers and helpers; each question answered, solved, rated, some escalated."""
    boards = [board_make() for _ in range(2)]
    tags = [Tag.objects.get_or_create(slug=f"topic-{n}", name=f"Topic {n}")[0] for n in range(2)]
    now = timezone.now()
    for n in range(size):
        asker = MemberFactory.create()
        helper = MemberFactory.create()
        thread = ask(author=asker, board=boards[n % 2], tags=[tags[n % 2].slug], ago=timedelta(0))
        answer = builders.answer(thread=thread, author=helper, ago=timedelta(0))
        services.solution_accept(thread=thread, post=answer, actor=asker)
        satisfaction_record(thread=thread, respondent=asker, score=1 + n % 5)
        case, _ = case_open(customer=asker, reason=CaseReason.REQUESTED, thread=thread)
        case_update(case=case, actor=agent, status=CaseStatus.RESOLVED, assignee=agent)
        satisfaction_record(case=case, respondent=asker, score=5)
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.SLA_BREACHED)
        deflection_record(member=helper, thread=thread, query="the same problem")
        asked = now - timedelta(days=n % 6, hours=1)
        Thread.objects.filter(pk=thread.pk).update(
            created_at=asked,
            first_answer_at=asked + timedelta(minutes=n + 1),
            solved_at=asked + timedelta(hours=n + 1),
        )
    # A spike, so the trending table has rows too.
    for _ in range(3 + size):
        ask(author=agent, board=boards[0], tags=[tags[0].slug], ago=timedelta(0))


def test_the_metrics_take_eleven_queries_whatever_the_size(
    agent: Member, django_assert_num_queries: AssertMaxQueries
) -> None:
    community(2, agent)
    with django_assert_num_queries(METRICS_QUERIES):
        dashboard_metrics(days=30)
    community(10, agent)
    with django_assert_num_queries(METRICS_QUERIES):
        metrics = dashboard_metrics(days=30)
    # The solved questions of both rounds, and each round's spike of 3 + size questions.
    assert metrics.questions == (2 + 10) + (3 + 2) + (3 + 10)
    assert len(metrics.top_helpers) == 10 and metrics.trending
    assert metrics.deflection.deflections == 12 and len(metrics.most_deflected) == 5


def measured(
    assert_max: AssertMaxQueries, budget: int, client: Client, url: str, **params: str
) -> int:
    with assert_max(budget), CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("url", "budget"),
    [(reverse("staff-dashboard"), PAGE_BUDGET), (reverse("staff-dashboard-export"), CSV_BUDGET)],
)
def test_the_dashboard_costs_the_same_queries_for_two_and_for_twelve_questions(
    client: Client,
    agent: Member,
    django_assert_max_num_queries: AssertMaxQueries,
    url: str,
    budget: int,
) -> None:
    client.force_login(agent)
    community(2, agent)
    small = measured(django_assert_max_num_queries, budget, client, url, days="7")
    community(10, agent)
    large = measured(django_assert_max_num_queries, budget, client, url, days="7")
    assert small == large
