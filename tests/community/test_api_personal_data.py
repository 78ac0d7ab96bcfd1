"""GET /api/v1/members/me/export/ and DELETE /api/v1/members/me/ (docs/api.md, "Accounts,
personal data, integrations")."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.models import Member
from tests.builders import agent_make, answer, api_client, ask, member_make
from tests.community.privacy_world import INTERNAL_NOTE, privacy_world
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

EXPORT = "/api/v1/members/me/export/"
ME = "/api/v1/members/me/"


@pytest.fixture
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def test_the_export_answers_the_member_with_every_section_and_no_internal_note() -> None:
    world = privacy_world()

    response = api_client(world.member).get(EXPORT)

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert {
        "profile",
        "threads",
        "posts",
        "kudos_given",
        "points",
        "badges",
        "statements",
        "cases",
        "notifications",
        "preferences",
    } <= set(data)
    assert data["profile"]["username"] == "olive"
    assert INTERNAL_NOTE not in json.dumps(data)


def test_the_export_and_the_deletion_need_a_signed_in_member() -> None:
    assert api_client().get(EXPORT).status_code == 401
    assert api_client().delete(ME, {"password": PASSWORD}, format="json").status_code == 401


def test_the_export_costs_the_same_queries_for_a_little_and_a_lot_of_content() -> None:
    member = member_make()
    ask(member)
    client = api_client(member)
    with CaptureQueriesContext(connection) as few:
        assert client.get(EXPORT).status_code == 200
    helper = member_make()
    for _ in range(5):
        answer(member, ask(helper))
        ask(member)
    with CaptureQueriesContext(connection) as many:
        assert client.get(EXPORT).status_code == 200
    assert len(many) == len(few)


def test_deleting_with_the_password_answers_204_and_the_token_stops_working() -> None:
    member = member_make("olive")
    client = api_client(member)

    response = client.delete(ME, {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    member.refresh_from_db()
    assert member.is_deleted and member.username == f"deleted-{member.pk}"
    assert client.get(EXPORT).status_code == 401


def test_a_deleted_member_reads_as_deleted_in_the_api() -> None:
    member = member_make("olive")
    thread = ask(member)
    api_client(member).delete(ME, {"password": PASSWORD, "remove_content": False}, format="json")

    author = api_client().get(f"/api/v1/threads/{thread.pk}/").json()["author"]

    assert author["display_name"] == "Deleted member"
    assert author["is_deleted"] is True
    assert author["url"] == ""
    assert api_client().get("/api/v1/members/olive/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"password": "not-my-password"}, "password", "That is not your password."),
        ({}, "password", "This field is required."),
        ({"password": PASSWORD, "remove_content": "maybe"}, "remove_content", None),
    ],
)
def test_bad_input_answers_400_and_deletes_nothing(
    body: dict[str, str], field: str, message: str | None
) -> None:
    member = member_make("olive")

    response = api_client(member).delete(ME, body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    if message:
        assert response.json()[field] == [message]
    assert Member.objects.get(pk=member.pk).deleted_at is None


def test_a_staff_account_answers_409() -> None:
    agent = agent_make("agnes")

    response = api_client(agent).delete(ME, {"password": PASSWORD}, format="json")

    assert response.status_code == 409
    assert "staff roles" in response.json()["detail"]
    assert Member.objects.get(pk=agent.pk).deleted_at is None


@pytest.mark.usefixtures("_clear_cache")
def test_guessing_the_password_locks_the_deletion_out_like_the_sign_in() -> None:
    member = member_make("olive")
    client = api_client(member)
    for _ in range(5):
        wrong = client.delete(ME, {"password": "guess"}, format="json")
        assert wrong.status_code == 400

    locked = client.delete(ME, {"password": PASSWORD}, format="json")

    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert Member.objects.get(pk=member.pk).deleted_at is None
    # The same count as the sign-in page: that account is locked out there too.
    page = Client().post("/accounts/login/", {"login": "olive", "password": PASSWORD})
    assert page.status_code == 429
