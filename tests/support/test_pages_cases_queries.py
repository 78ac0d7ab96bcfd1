"""Query budgets for the case pages: the queue and a case cost the same whatever their size,
so an N+1 (a thread or a person per row, a member per message) fails here."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.models import Member
from support.cases.models import Case
from support.cases.services import case_message_post, case_update
from tests.builders import agent_make, ask, logged_in, new_member_make
from tests.support.cases_helpers import escalate

pytestmark = pytest.mark.django_db

MaxQueries = Callable[[int], AbstractContextManager[object]]
# Measured when written, on SQLite and PostgreSQL alike: the queue costs 10 (session, member,
# groups, boards, the count and the page, their people's groups, the agent's availability);
# a case page 18 for an agent (the case and its people, the customer's history in five, the
# timeline and the people it names, the conversation, the agents to assign to) and 9 for the
# customer. Plus a little room.
QUEUE_MAX = 12
AGENT_CASE_MAX = 22
CUSTOMER_CASE_MAX = 11


def queries_for(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def test_the_queue_costs_the_same_for_3_or_30_cases(
    django_assert_max_num_queries: MaxQueries, agent: Member
) -> None:
    agent_make(), agent_make()
    client = logged_in(agent)
    for _ in range(3):
        escalate(ask(new_member_make()))
    with django_assert_max_num_queries(QUEUE_MAX):
        small = queries_for(client, "/support/")

    for i in range(27):
        case = escalate(ask(new_member_make()))
        if i % 4 == 0:
            case_update(case=case, actor=agent, unassign=True)
    with django_assert_max_num_queries(QUEUE_MAX):
        big = queries_for(client, "/support/")

    assert small == big
    assert Case.objects.count() == 30


def grow(case: Case, customer: Member, agents: list[Member], count: int) -> None:
    """`count` more messages, notes and changes, by the customer and agents in turn."""
    for i in range(count):
        author = [customer, *agents][i % (len(agents) + 1)]
        internal = author != customer and i % 3 == 0
        case_message_post(case=case, author=author, body=f"Message {i}", internal=internal)
        if i % 5 == 0:
            case_update(case=case, actor=agents[0], assignee=agents[i % len(agents)])


@pytest.mark.parametrize("viewer", ["agent", "asker"])
def test_a_case_page_costs_the_same_for_a_short_or_long_case(
    request: pytest.FixtureRequest,
    django_assert_max_num_queries: MaxQueries,
    asker: Member,
    agent: Member,
    viewer: str,
) -> None:
    agents = [agent, agent_make(), agent_make()]
    for _ in range(2):
        escalate(ask(asker))  # history: other questions and cases
    case = escalate(ask(asker), message="Help")
    client = logged_in(request.getfixturevalue(viewer))
    ceiling = AGENT_CASE_MAX if viewer == "agent" else CUSTOMER_CASE_MAX
    url = f"/support/cases/{case.pk}/"
    grow(case, asker, agents, 2)
    with django_assert_max_num_queries(ceiling):
        small = queries_for(client, url)

    grow(case, asker, agents, 40)
    for _ in range(5):
        escalate(ask(asker))
    with django_assert_max_num_queries(ceiling):
        big = queries_for(client, url)

    assert small == big
