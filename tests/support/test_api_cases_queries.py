"""Query budgets for the case API: a page of cases or messages costs the same whatever its
size, so an N+1 (a member's groups per row, a case per message) fails here."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from community.models import Member
from support.cases.models import Case
from support.cases.services import case_message_post
from tests.builders import agent_make, api_client, ask, new_member_make
from tests.support.cases_helpers import escalate

pytestmark = pytest.mark.django_db

MaxQueries = Callable[[int], AbstractContextManager[object]]
# Measured when written, the same on SQLite and PostgreSQL: the list costs 6 (the token with
# its member, the member's groups, the count, the page, the customers' and the assignees'
# groups); the messages 8 (the case and its people's groups, the count, the page, the
# authors' groups). Plus a little room.
LIST_MAX = 8
MESSAGES_MAX = 10


def queries_for(client: APIClient, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def cases_make(count: int) -> list[Case]:
    """Cases by different customers, routed over every agent in turn."""
    return [escalate(ask(new_member_make())) for _ in range(count)]


def test_the_case_list_costs_the_same_for_3_or_40_cases(
    django_assert_max_num_queries: MaxQueries, agent: Member
) -> None:
    agent_make(), agent_make()
    client = api_client(agent)
    cases_make(3)
    with django_assert_max_num_queries(LIST_MAX):
        small = queries_for(client, "/api/v1/cases/?page_size=50")

    cases_make(37)
    with django_assert_max_num_queries(LIST_MAX):
        big = queries_for(client, "/api/v1/cases/?page_size=50")

    assert small == big
    assert Case.objects.count() == 40


def test_the_message_list_costs_the_same_for_2_or_40_messages(
    django_assert_max_num_queries: MaxQueries, asker: Member, agent: Member
) -> None:
    case = escalate(ask(asker), message="Hello")
    others = [agent_make() for _ in range(3)]
    client = api_client(agent)
    case_message_post(case=case, author=agent, body="Hi there")
    url = f"/api/v1/cases/{case.pk}/messages/?page_size=50"
    with django_assert_max_num_queries(MESSAGES_MAX):
        small = queries_for(client, url)

    for i in range(38):
        author = [asker, *others][i % 4]
        internal = i % 3 == 0 and author != asker
        case_message_post(case=case, author=author, body=f"message {i}", internal=internal)
    with django_assert_max_num_queries(MESSAGES_MAX):
        big = queries_for(client, url)

    assert small == big
