"""API v1, Support: escalation and cases (docs/api.md, "Support"), and who may see what.

A customer sees their own cases and nobody else's (404, as if they did not exist), never an
internal note; agents see and change everything; moderators may escalate but do not work
cases.
"""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from community.models import Member, Thread
from support.cases.models import Case, CaseMessage, CaseStatus
from support.cases.services import case_message_post, case_open, case_update
from tests.builders import agent_make, api_client, ask, board_make
from tests.support.cases_helpers import escalate

pytestmark = pytest.mark.django_db

CASE_FIELDS = {
    "id",
    "thread",
    "customer",
    "reason",
    "status",
    "priority",
    "assignee",
    "sla_due_at",
    "first_response_at",
    "resolved_at",
    "created_at",
    "url",
}
MEMBER_FIELDS = {"username", "display_name", "avatar_url", "rank", "is_staff", "url", "is_deleted"}
NOTE = "Internal: customer tried this twice already, refund pending."


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(asker)


@pytest.fixture
def case(thread: Thread, agent: Member) -> Case:
    """The asker's case, with a public exchange and an internal note."""
    case = escalate(thread, message="My top-up is missing.")
    case_message_post(case=case, author=agent, body="Looking into it now.")
    case_message_post(case=case, author=agent, body=NOTE, internal=True)
    return case


def client_for(request: pytest.FixtureRequest, who: str) -> APIClient:
    return api_client(None if who == "anonymous" else request.getfixturevalue(who))


def escalate_url(thread: Thread) -> str:
    return f"/api/v1/threads/{thread.pk}/escalate/"


def case_url(case: Case) -> str:
    return f"/api/v1/cases/{case.pk}/"


def ids(response: Any) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


# ---------------------------------------------------------------------------- escalate


def test_the_asker_escalates_with_201_and_again_with_200_and_the_same_case(
    thread: Thread, asker: Member, agent: Member
) -> None:
    client = api_client(asker)

    first = client.post(escalate_url(thread), {"message": "Nobody answered."}, format="json")
    again = client.post(escalate_url(thread), {}, format="json")

    assert first.status_code == 201
    assert again.status_code == 200
    body = first.json()
    assert set(body) >= CASE_FIELDS
    assert again.json()["id"] == body["id"]
    assert first["Location"] == f"/api/v1/cases/{body['id']}/"
    assert body["thread"] == thread.pk
    assert body["reason"] == "requested"
    assert body["status"] == "new"
    assert body["priority"] == "normal"
    assert set(body["customer"]) == MEMBER_FIELDS
    assert body["customer"]["username"] == "asker"
    assert body["assignee"]["username"] == "agent"
    assert body["assignee"]["is_staff"] is True
    assert body["url"] == f"/support/cases/{body['id']}/"
    assert body["sla_due_at"] and body["created_at"]
    assert body["first_response_at"] is None and body["resolved_at"] is None
    assert Case.objects.count() == 1
    assert CaseMessage.objects.get().body == "Nobody answered."


def test_an_escalation_without_a_body_opens_a_case_too(thread: Thread, asker: Member) -> None:
    response = api_client(asker).post(escalate_url(thread))

    assert response.status_code == 201
    assert not CaseMessage.objects.exists()


def test_a_moderator_escalates_for_the_asker(
    thread: Thread, asker: Member, moderator: Member
) -> None:
    response = api_client(moderator).post(escalate_url(thread), format="json")
    again = api_client(asker).post(escalate_url(thread), format="json")

    assert response.status_code == 201
    assert response.json()["reason"] == "moderator"
    assert response.json()["customer"]["username"] == asker.username
    assert (again.status_code, again.json()["id"]) == (200, response.json()["id"])


@pytest.mark.parametrize("who", ["helper", "outsider", "agent"])
def test_anyone_else_escalating_gets_403(
    request: pytest.FixtureRequest, thread: Thread, who: str
) -> None:
    response = client_for(request, who).post(escalate_url(thread), format="json")

    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Case.objects.exists()


def test_an_anonymous_escalation_gets_401(thread: Thread) -> None:
    response = api_client().post(escalate_url(thread), format="json")

    assert response.status_code == 401
    assert not Case.objects.exists()


def test_escalating_a_missing_or_hidden_thread_gets_404(
    thread: Thread, helper: Member, asker: Member
) -> None:
    hidden = ask(helper)
    Thread.objects.filter(pk=hidden.pk).update(hidden_reason="moderator")

    missing = api_client(asker).post("/api/v1/threads/999999/escalate/", format="json")
    not_visible = api_client(asker).post(escalate_url(hidden), format="json")

    assert (missing.status_code, not_visible.status_code) == (404, 404)


@pytest.mark.parametrize(
    "payload",
    [{"message": "x" * 10001}, {"message": 12}, [1, 2]],
    ids=["too long", "not a string", "not an object"],
)
def test_bad_escalation_input_gets_400(thread: Thread, asker: Member, payload: Any) -> None:
    response = api_client(asker).post(escalate_url(thread), payload, format="json")

    assert response.status_code == 400
    assert not Case.objects.exists()


# ---------------------------------------------------------------------------- list


def test_a_customer_lists_only_their_own_cases_and_agents_list_all(
    case: Case, asker: Member, helper: Member, agent: Member, outsider: Member
) -> None:
    others = escalate(ask(helper))

    mine = api_client(asker).get("/api/v1/cases/")
    theirs = api_client(helper).get("/api/v1/cases/")
    everyone = api_client(agent).get("/api/v1/cases/")
    nobody = api_client(outsider).get("/api/v1/cases/")

    assert ids(mine) == [case.pk]
    assert ids(theirs) == [others.pk]
    assert sorted(ids(everyone)) == sorted([case.pk, others.pk])
    assert ids(nobody) == []
    assert set(mine.json()) >= {"next", "previous", "results"}


def test_listing_cases_needs_a_signed_in_member() -> None:
    assert api_client().get("/api/v1/cases/").status_code == 401


def test_a_moderator_is_a_customer_like_any_other_in_the_list(
    case: Case, moderator: Member
) -> None:
    assert ids(api_client(moderator).get("/api/v1/cases/")) == []


def test_agents_filter_by_status_assignee_reason_and_board(
    asker: Member, helper: Member, agent: Member
) -> None:
    other_agent = agent_make("other")
    board = board_make(slug="billing")
    mine = escalate(ask(asker))
    case_update(case=mine, actor=agent, assignee=agent)
    theirs = escalate(ask(helper, board))
    case_update(case=theirs, actor=agent, assignee=other_agent, status=CaseStatus.WAITING)
    sensitive, _opened = case_open(customer=helper, reason="sensitive")
    case_update(case=sensitive, actor=agent, assignee=other_agent)
    client = api_client(agent)

    def listed(**query: str) -> list[int]:
        response = client.get("/api/v1/cases/", query)
        assert response.status_code == 200, response.json()
        return sorted(ids(response))

    assert listed(assignee="me") == [mine.pk]
    assert listed(assignee="OTHER") == sorted([theirs.pk, sensitive.pk])
    assert listed(status="waiting") == [theirs.pk]
    assert listed(status="active") == sorted([mine.pk, theirs.pk, sensitive.pk])
    assert listed(status="resolved") == []
    assert listed(reason="sensitive") == [sensitive.pk]
    assert listed(reason="requested", assignee="other") == [theirs.pk]
    assert listed(board="billing") == [theirs.pk]
    assert listed(status="", reason="", assignee="") == sorted([mine.pk, theirs.pk, sensitive.pk])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "pending"}, "status"),
        ({"reason": "bored"}, "reason"),
        ({"assignee": "nobody-like-this"}, "assignee"),
        ({"board": "no-such-board"}, "board"),
        ({"ordering": "random"}, "ordering"),
    ],
)
def test_unknown_filter_values_get_400_on_their_field(
    case: Case, agent: Member, query: dict[str, str], field: str
) -> None:
    response = api_client(agent).get("/api/v1/cases/", query)

    assert response.status_code == 400
    assert field in response.json()


def test_the_queue_order_puts_the_soonest_due_unanswered_case_first(
    asker: Member, helper: Member, agent: Member
) -> None:
    normal = escalate(ask(asker))
    urgent = escalate(ask(helper))
    case_update(case=urgent, actor=agent, priority="urgent")
    answered = escalate(ask(asker))
    case_message_post(case=answered, author=agent, body="Hello!")

    agents_view = ids(api_client(agent).get("/api/v1/cases/"))
    newest_first = ids(api_client(agent).get("/api/v1/cases/", {"ordering": "-created_at"}))

    assert agents_view == [urgent.pk, normal.pk, answered.pk]
    assert newest_first == [answered.pk, urgent.pk, normal.pk]


def test_lists_are_paginated_at_most_fifty_a_page(asker: Member, agent: Member) -> None:
    for _ in range(3):
        escalate(ask(asker))

    page = api_client(agent).get("/api/v1/cases/", {"page_size": 2}).json()
    huge = api_client(agent).get("/api/v1/cases/", {"page_size": 500}).json()

    assert len(page["results"]) == 2
    assert page["next"] and page["previous"] is None
    assert len(huge["results"]) == 3


# ---------------------------------------------------------------------------- detail


@pytest.mark.parametrize("who", ["asker", "agent"])
def test_the_customer_and_agents_get_the_case(
    request: pytest.FixtureRequest, case: Case, who: str
) -> None:
    response = client_for(request, who).get(case_url(case))

    assert response.status_code == 200
    assert response.json()["id"] == case.pk
    assert NOTE not in response.content.decode()


@pytest.mark.parametrize("who", ["helper", "outsider", "moderator"])
def test_anyone_else_gets_404_for_a_case(
    request: pytest.FixtureRequest, case: Case, who: str
) -> None:
    client = client_for(request, who)

    assert client.get(case_url(case)).status_code == 404
    assert client.get(f"{case_url(case)}messages/").status_code == 404
    assert client.post(f"{case_url(case)}messages/", {"body": "hi"}).status_code == 404
    assert client.patch(case_url(case), {"status": "closed"}, format="json").status_code == 404
    assert Case.objects.get(pk=case.pk).status != "closed"


def test_anonymous_clients_get_401_on_every_case_endpoint(case: Case) -> None:
    client = api_client()

    assert client.get(case_url(case)).status_code == 401
    assert client.patch(case_url(case), {"status": "closed"}, format="json").status_code == 401
    assert client.get(f"{case_url(case)}messages/").status_code == 401
    assert client.post(f"{case_url(case)}messages/", {"body": "hi"}).status_code == 401


def test_a_missing_case_gets_404_for_agents_too(agent: Member) -> None:
    assert api_client(agent).get("/api/v1/cases/424242/").status_code == 404


# ---------------------------------------------------------------------------- patch


def test_an_agent_changes_status_assignee_and_priority(case: Case, agent: Member) -> None:
    agent_make("bea")

    response = api_client(agent).patch(
        case_url(case),
        {"status": "resolved", "assignee": "bea", "priority": "high"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["assignee"]["username"], body["priority"]) == (
        "resolved",
        "bea",
        "high",
    )
    assert body["resolved_at"] is not None
    kinds = set(case.events.values_list("kind", flat=True))
    assert {"status", "assigned", "priority"} <= kinds


def test_an_agent_unassigns_with_null_and_leaves_the_rest_alone(case: Case, agent: Member) -> None:
    response = api_client(agent).patch(case_url(case), {"assignee": None}, format="json")

    assert response.status_code == 200
    assert response.json()["assignee"] is None
    assert response.json()["status"] == "open"


def test_the_customer_patching_gets_403(case: Case, asker: Member) -> None:
    response = api_client(asker).patch(case_url(case), {"status": "closed"}, format="json")

    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).status == "open"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "done"}, "status"),
        ({"priority": "whenever"}, "priority"),
        ({"assignee": "ghost"}, "assignee"),
        ({"assignee": "helper"}, "assignee"),
        ({"assignee": 7}, "assignee"),
    ],
)
def test_bad_changes_get_400_on_their_field(
    case: Case, agent: Member, helper: Member, payload: dict[str, Any], field: str
) -> None:
    response = api_client(agent).patch(case_url(case), payload, format="json")

    assert response.status_code == 400
    assert field in response.json()


# ---------------------------------------------------------------------------- messages


def test_the_customer_never_gets_internal_notes_and_agents_do(
    case: Case, asker: Member, agent: Member
) -> None:
    customers = api_client(asker).get(f"{case_url(case)}messages/")
    agents = api_client(agent).get(f"{case_url(case)}messages/")

    assert customers.status_code == agents.status_code == 200
    assert [m["body"] for m in customers.json()["results"]] == [
        "My top-up is missing.",
        "Looking into it now.",
    ]
    assert NOTE not in customers.content.decode()
    assert [m["internal"] for m in agents.json()["results"]] == [False, False, True]
    assert agents.json()["results"][2]["body"] == NOTE
    first = agents.json()["results"][0]
    assert set(first) >= {"id", "case", "author", "body", "internal", "created_at", "url"}
    assert first["url"] == f"/support/cases/{case.pk}/#message-{first['id']}"


def test_the_customer_replies_with_201(case: Case, asker: Member) -> None:
    response = api_client(asker).post(
        f"{case_url(case)}messages/", {"body": "Thanks, still waiting."}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["author"]["username"] == "asker"
    assert response.json()["internal"] is False


def test_the_customer_writing_an_internal_note_gets_403(case: Case, asker: Member) -> None:
    response = api_client(asker).post(
        f"{case_url(case)}messages/", {"body": "sneaky", "internal": True}, format="json"
    )

    assert response.status_code == 403
    assert not case.messages.filter(body="sneaky").exists()


def test_an_agent_writes_an_internal_note(case: Case, agent: Member) -> None:
    response = api_client(agent).post(
        f"{case_url(case)}messages/",
        {"body": "Escalate to billing.", "internal": True},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["internal"] is True


def test_an_agents_first_message_answers_the_case(thread: Thread, agent: Member) -> None:
    case = escalate(thread)

    api_client(agent).post(f"{case_url(case)}messages/", {"body": "Hello!"}, format="json")

    body = api_client(agent).get(case_url(case)).json()
    assert body["status"] == "open"
    assert body["first_response_at"] is not None


@pytest.mark.parametrize("payload", [{"body": "   "}, {"body": 5}, {}])
def test_a_bad_message_gets_400(case: Case, asker: Member, payload: dict[str, Any]) -> None:
    response = api_client(asker).post(f"{case_url(case)}messages/", payload, format="json")

    assert response.status_code == 400
    assert "body" in response.json()


def test_writing_to_a_closed_case_gets_409_for_the_customer(
    case: Case, asker: Member, agent: Member
) -> None:
    case_update(case=case, actor=agent, status=CaseStatus.CLOSED)

    response = api_client(asker).post(f"{case_url(case)}messages/", {"body": "Hi?"}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"]
