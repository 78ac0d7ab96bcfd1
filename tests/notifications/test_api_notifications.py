"""GET /api/v1/notifications/ and POST /api/v1/notifications/read/ (docs/api.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from community.models import Member
from notifications.models import Notification
from tests.builders import api_client, new_member_make
from tests.notifications.inbox_factories import (
    many_kudos,
    notify_answer,
    notify_badge,
    notify_kudos,
    unread_of,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"
READ = "/api/v1/notifications/read/"


def post_json(client: Any, body: Any) -> Any:
    return client.post(READ, data=json.dumps(body), content_type="application/json")


# ---------------------------------------------------------------------------- who may call


def test_anonymous_callers_get_401_from_both_endpoints() -> None:
    client = api_client()

    assert client.get(LIST).status_code == 401
    assert post_json(client, {"all": True}).status_code == 401


def test_a_session_client_must_send_the_csrf_token_to_mark_read(
    asker: Member, helper: Member
) -> None:
    notify_answer(asker, helper)
    client = Client(enforce_csrf_checks=True)
    client.force_login(asker)

    assert client.get(LIST).status_code == 200
    response = client.post(READ, data={"all": True}, content_type="application/json")

    assert response.status_code == 403
    assert unread_of(asker) == 1


# ---------------------------------------------------------------------------- the list


def test_the_list_gives_the_unread_count_and_the_members_notifications_newest_first(
    asker: Member, helper: Member, outsider: Member
) -> None:
    answer = notify_answer(asker, helper, title="Voicemail", url="/threads/3/voicemail/")
    badge = notify_badge(asker)
    notify_answer(outsider, helper)
    Notification.objects.filter(pk=answer.pk).update(read_at=answer.created_at)

    response = api_client(asker).get(LIST)
    body = response.json()

    assert response.status_code == 200
    assert list(body)[:4] == ["unread_count", "count", "next", "previous"]
    assert body["unread_count"] == 1
    assert body["next"] is None and body["previous"] is None
    assert [row["id"] for row in body["results"]] == [badge.pk, answer.pk]
    newest, oldest = body["results"]
    assert set(oldest) == {"id", "kind", "message", "url", "actor", "created_at", "read"}
    assert oldest["kind"] == "answer"
    assert oldest["message"] == "Hugo Helper answered your question “Voicemail”."
    assert oldest["url"] == "/threads/3/voicemail/"
    assert oldest["read"] is True
    assert oldest["created_at"].endswith("Z") or "+" in oldest["created_at"]
    assert oldest["actor"] == {
        "username": "helper",
        "display_name": "Hugo Helper",
        "avatar_url": None,
        "rank": None,
        "is_staff": False,
        "url": "/members/helper/",
        "is_deleted": False,
    }
    assert newest["actor"] is None
    assert newest["read"] is False
    assert newest["kind"] == "badge"


def test_staff_actors_are_marked_as_staff(asker: Member, agent: Member) -> None:
    notify_answer(asker, agent)

    [row] = api_client(asker).get(LIST).json()["results"]

    assert row["actor"]["username"] == "agent"
    assert row["actor"]["is_staff"] is True


@pytest.mark.parametrize("value", ["1", "true"])
def test_unread_1_lists_only_unread_notifications(
    asker: Member, helper: Member, value: str
) -> None:
    read = notify_answer(asker, helper)
    unread = notify_kudos(asker, helper)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)

    body = api_client(asker).get(LIST, {"unread": value}).json()

    assert [row["id"] for row in body["results"]] == [unread.pk]
    assert body["unread_count"] == 1


@pytest.mark.parametrize("value", ["0", "false", ""])
def test_unread_0_or_empty_lists_everything(asker: Member, helper: Member, value: str) -> None:
    read = notify_answer(asker, helper)
    notify_kudos(asker, helper)
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)

    body = api_client(asker).get(LIST, {"unread": value}).json()

    assert len(body["results"]) == 2


def test_an_unknown_unread_value_is_a_400(asker: Member) -> None:
    response = api_client(asker).get(LIST, {"unread": "maybe"})

    assert response.status_code == 400
    assert "unread" in response.json()


def test_a_page_holds_20_by_default_and_never_more_than_50(
    asker: Member, helper: Member, outsider: Member
) -> None:
    made = many_kudos(asker, [helper, outsider], 55)
    client = api_client(asker)

    default = client.get(LIST).json()
    biggest = client.get(LIST, {"page_size": 500}).json()
    rest = client.get(biggest["next"]).json()

    assert len(default["results"]) == 20
    assert len(biggest["results"]) == 50
    assert [row["id"] for row in biggest["results"] + rest["results"]] == [
        n.pk for n in reversed(made)
    ]
    assert rest["next"] is None
    assert rest["unread_count"] == 55


def test_a_page_past_the_end_is_a_404_not_a_500(asker: Member) -> None:
    assert api_client(asker).get(LIST, {"page": 9}).status_code == 404


# ---------------------------------------------------------------------------- marking read


def test_marking_some_read_by_id_gives_the_new_unread_count(asker: Member, helper: Member) -> None:
    first, second, third = many_kudos(asker, [helper], 3)

    response = post_json(api_client(asker), {"ids": [first.pk, third.pk]})

    assert response.status_code == 200
    assert response.json() == {"unread_count": 1}
    assert set(
        Notification.objects.filter(recipient=asker, read_at__isnull=True).values_list(
            "pk", flat=True
        )
    ) == {second.pk}


def test_marking_all_read(asker: Member, helper: Member) -> None:
    many_kudos(asker, [helper], 4)

    response = post_json(api_client(asker), {"all": True})

    assert response.status_code == 200
    assert response.json() == {"unread_count": 0}
    assert unread_of(asker) == 0


def test_nobody_can_mark_another_members_notifications_read(
    asker: Member, helper: Member, outsider: Member
) -> None:
    theirs = notify_answer(asker, helper)
    mine = notify_answer(outsider, helper)

    by_id = post_json(api_client(outsider), {"ids": [theirs.pk, mine.pk]})
    everything = post_json(api_client(outsider), {"all": True})

    assert by_id.status_code == 200 and by_id.json() == {"unread_count": 0}
    assert everything.status_code == 200
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert unread_of(asker) == 1


def test_unknown_ids_and_an_empty_list_are_fine(asker: Member, helper: Member) -> None:
    notify_answer(asker, helper)
    client = api_client(asker)

    assert post_json(client, {"ids": [987654]}).json() == {"unread_count": 1}
    assert post_json(client, {"ids": []}).json() == {"unread_count": 1}
    assert post_json(client, {"ids": [1], "all": False}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"all": False},
        {"ids": None},
        {"ids": 5},
        {"ids": "1,2"},
        {"ids": ["1"]},
        {"ids": [1.5]},
        {"ids": [True]},
        {"ids": [{"id": 1}]},
        {"ids": [0]},
        {"ids": [-3]},
        {"ids": [2**70]},
        {"ids": list(range(1, 502))},
        {"all": "maybe"},
        {"all": None},
        {"ids": [1], "all": True},
        [1, 2],
        "all",
    ],
    ids=lambda body: json.dumps(body)[:40],
)
def test_bad_bodies_are_400s_and_change_nothing(asker: Member, helper: Member, body: Any) -> None:
    notify_answer(asker, helper)

    response = post_json(api_client(asker), body)

    assert response.status_code == 400
    data = response.json()
    assert isinstance(data, dict) and data
    assert all(isinstance(message, (str, list, dict)) for message in data.values())
    assert unread_of(asker) == 1


def test_a_body_that_is_not_json_is_a_400(asker: Member) -> None:
    response = api_client(asker).post(READ, data="{nope", content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_neither_ids_nor_all_says_what_to_send(asker: Member) -> None:
    response = post_json(api_client(asker), {})

    assert response.json() == {"detail": "Give “ids”, a list of notification ids, or “all”: true."}


def test_reading_via_the_api_updates_the_bell(asker: Member, helper: Member) -> None:
    notify_kudos(asker, helper)
    member = new_member_make()
    notify_kudos(member, helper)

    post_json(api_client(asker), {"all": True})

    assert api_client(asker).get(LIST).json()["unread_count"] == 0
    assert api_client(member).get(LIST).json()["unread_count"] == 1
