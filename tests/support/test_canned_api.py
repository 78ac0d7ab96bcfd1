"""API v1: canned replies (docs/api.md, "Support"): agents only, personal or shared, filled in
for a case on request; bad input is a 400 on its field, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from community.models import AGENTS_GROUP, Member
from support.canned.models import CannedReply
from support.canned.services import canned_reply_create
from tests.builders import agent_make, api_client, ask
from tests.factories import MemberFactory
from tests.support.cases_helpers import escalate

pytestmark = pytest.mark.django_db

URL = "/api/v1/canned-replies/"
FIELDS = {"id", "title", "body", "shared", "author", "can_edit", "text", "created_at", "updated_at"}
GREETING = "Hello {customer_name}, about “{thread_title}”:"


def detail(reply: CannedReply | int) -> str:
    return f"{URL}{reply if isinstance(reply, int) else reply.pk}/"


def titles(response: Any) -> list[str]:
    return [item["title"] for item in response.json()["results"]]


def test_an_agent_creates_a_shared_reply_with_201(agent: Member) -> None:
    response = api_client(agent).post(
        URL, {"title": "Greeting", "body": GREETING, "shared": True}, format="json"
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) == FIELDS
    assert (data["title"], data["body"], data["shared"], data["author"], data["can_edit"]) == (
        "Greeting",
        GREETING,
        True,
        "agent",
        True,
    )
    assert data["text"] is None
    assert CannedReply.objects.get(pk=data["id"]).author == agent


def test_shared_defaults_to_personal(agent: Member) -> None:
    response = api_client(agent).post(URL, {"title": "Mine", "body": "Hi"}, format="json")

    assert response.status_code == 201
    assert response.json()["shared"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": "", "body": "Hi"}, "title"),
        ({"body": "Hi"}, "title"),
        ({"title": "Hi", "body": "Hello {foo}"}, "body"),
        ({"title": "Hi", "body": "   "}, "body"),
        ({"title": "Hi", "body": "Hi", "shared": "perhaps"}, "shared"),
    ],
)
def test_bad_input_is_a_400_on_its_field(
    agent: Member, body: dict[str, object], field: str
) -> None:
    response = api_client(agent).post(URL, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not CannedReply.objects.exists()


def test_an_unknown_placeholder_says_which_and_what_works(agent: Member) -> None:
    response = api_client(agent).post(URL, {"title": "Hi", "body": "Dear {foo},"}, format="json")

    [message] = response.json()["body"]
    assert "{foo}" in message and "{customer_name}" in message


@pytest.mark.parametrize("who", ["asker", "moderator"])
def test_everyone_but_agents_gets_403(request: pytest.FixtureRequest, who: str) -> None:
    client = api_client(request.getfixturevalue(who))

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"title": "Hi", "body": "Hi"}, format="json").status_code == 403
    assert not CannedReply.objects.exists()


def test_anonymous_clients_get_401() -> None:
    assert api_client().get(URL).status_code == 401


def test_an_agent_without_a_second_factor_gets_mfa_required() -> None:
    bare = MemberFactory.create(
        username="bareagent", is_staff=True, groups=[AGENTS_GROUP], second_factor=False
    )

    response = api_client(bare).get(URL)

    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_the_list_holds_my_replies_and_the_shared_ones_by_title(agent: Member) -> None:
    other = agent_make("bruno")
    canned_reply_create(author=agent, title="b mine", body="Mine", shared=False)
    canned_reply_create(author=other, title="A ours", body="Ours", shared=True)
    canned_reply_create(author=other, title="c his", body="His", shared=False)

    response = api_client(agent).get(URL)

    assert response.status_code == 200
    assert titles(response) == ["A ours", "b mine"]
    assert [item["can_edit"] for item in response.json()["results"]] == [False, True]


def test_the_list_fills_the_replies_in_for_a_case(agent: Member, asker: Member) -> None:
    case = escalate(ask(asker, title="No signal since Monday"))
    canned_reply_create(author=agent, title="Greeting", body=GREETING, shared=False)

    response = api_client(agent).get(URL, {"case": case.pk})

    [item] = response.json()["results"]
    assert item["text"] == "Hello Anna Asker, about “No signal since Monday”:"
    assert item["body"] == GREETING


def test_an_unknown_case_is_404_and_a_bad_one_400(agent: Member) -> None:
    client = api_client(agent)

    assert client.get(URL, {"case": 999999}).status_code == 404
    assert client.get(URL, {"case": "first"}).status_code == 400


def test_another_agents_personal_reply_is_404(agent: Member) -> None:
    private = canned_reply_create(author=agent_make("bruno"), title="His", body="His", shared=False)
    client = api_client(agent)

    assert client.get(detail(private)).status_code == 404
    assert client.patch(detail(private), {"title": "Mine"}, format="json").status_code == 404
    assert client.delete(detail(private)).status_code == 404
    assert CannedReply.objects.get(pk=private.pk).title == "His"


def test_a_shared_reply_is_read_by_all_agents_and_changed_by_its_author(agent: Member) -> None:
    bruno = agent_make("bruno")
    shared = canned_reply_create(author=bruno, title="Refund", body="Refunded.", shared=True)
    client = api_client(agent)

    assert client.get(detail(shared)).json()["title"] == "Refund"
    assert client.patch(detail(shared), {"title": "Mine"}, format="json").status_code == 403
    assert client.delete(detail(shared)).status_code == 403

    changed = api_client(bruno).patch(
        detail(shared), {"body": "Refunded, {customer_name}."}, format="json"
    )
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["body"], changed.json()["shared"]) == (
        "Refund",
        "Refunded, {customer_name}.",
        True,
    )


def test_an_admin_changes_and_removes_a_shared_reply(agent: Member) -> None:
    admin = MemberFactory.create(username="root", is_staff=True, is_superuser=True)
    shared = canned_reply_create(author=agent, title="Refund", body="Refunded.", shared=True)
    client = api_client(admin)

    assert client.patch(detail(shared), {"shared": False}, format="json").status_code == 200
    assert CannedReply.objects.get(pk=shared.pk).shared is False
    # Now personal: its author's alone, even for the admin.
    assert client.delete(detail(shared)).status_code == 404
    assert api_client(agent).delete(detail(shared)).status_code == 204
    assert not CannedReply.objects.exists()


def test_a_patch_with_bad_input_is_a_400_and_changes_nothing(agent: Member) -> None:
    reply = canned_reply_create(author=agent, title="Hi", body="Hello", shared=False)
    client = api_client(agent)

    blank = client.patch(detail(reply), {"title": ""}, format="json")
    unknown = client.patch(detail(reply), {"body": "Hello {nome}"}, format="json")

    assert (blank.status_code, unknown.status_code) == (400, 400)
    assert "title" in blank.json() and "body" in unknown.json()
    reply.refresh_from_db()
    assert (reply.title, reply.body) == ("Hi", "Hello")
