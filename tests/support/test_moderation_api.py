"""POST /api/v1/posts/{id}/flags/ and /threads/{id}/flags/ (docs/api.md, "Support")."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from community import services
from community.models import HiddenReason, Member, Post, Thread
from support.moderation.models import Flag
from tests.builders import answer, ask, board_make, logged_in
from tests.support.moderation_factories import HELPER, MEMBER, NEWCOMER, rank, ranked

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(asker, board_make(), title="Roaming charges in Norway")


@pytest.fixture
def post(thread: Thread, helper: Member) -> Post:
    return answer(helper, thread)


def flag(client: Client, url: str, body: Any) -> Any:
    return client.post(url, body, content_type="application/json")


def test_a_member_flags_an_answer_and_gets_the_flag_back(post: Post) -> None:
    client = logged_in(ranked(MEMBER))

    response = flag(client, f"/api/v1/posts/{post.pk}/flags/", {"kind": "spam", "note": "Ads"})

    assert response.status_code == 201
    data = response.json()
    flag_row = Flag.objects.get()
    assert data["id"] == flag_row.pk
    assert (data["kind"], data["note"], data["status"]) == ("spam", "Ads", "open")
    assert data["created_at"].endswith(("Z", "+00:00"))
    assert (data["thread"], data["post"]) == (post.thread_id, post.pk)


def test_a_member_flags_a_question_without_a_note(thread: Thread) -> None:
    response = flag(
        logged_in(ranked(MEMBER)), f"/api/v1/threads/{thread.pk}/flags/", {"kind": "off_topic"}
    )

    assert response.status_code == 201
    assert response.json()["post"] is None
    assert response.json()["note"] == ""


def test_signed_out_clients_get_401(post: Post, thread: Thread) -> None:
    for url in (f"/api/v1/posts/{post.pk}/flags/", f"/api/v1/threads/{thread.pk}/flags/"):
        response = flag(Client(), url, {"kind": "spam"})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Token")


def test_members_below_the_member_rank_get_403_with_the_reason(post: Post) -> None:
    response = flag(
        logged_in(ranked(NEWCOMER)), f"/api/v1/posts/{post.pk}/flags/", {"kind": "spam"}
    )

    assert response.status_code == 403
    assert response.json() == {"detail": "Flagging unlocks at the Member rank."}


def test_flagging_ones_own_answer_is_403(post: Post, helper: Member) -> None:
    client = logged_in(rank(helper, HELPER))

    response = flag(client, f"/api/v1/posts/{post.pk}/flags/", {"kind": "spam"})

    assert response.status_code == 403
    assert "own" in response.json()["detail"]


def test_a_second_flag_is_409(post: Post) -> None:
    client = logged_in(ranked(MEMBER))
    url = f"/api/v1/posts/{post.pk}/flags/"
    assert flag(client, url, {"kind": "spam"}).status_code == 201

    response = flag(client, url, {"kind": "offensive"})

    assert response.status_code == 409
    assert response.json() == {"detail": "You already flagged this."}
    assert Flag.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "rude"}, "kind"),
        ({}, "kind"),
        ({"kind": 3}, "kind"),
        ({"kind": "spam", "note": "x" * 501}, "note"),
        ({"kind": "spam", "note": ["a"]}, "note"),
        ([1, 2], "detail"),
    ],
)
def test_bad_input_is_400_naming_the_field(post: Post, body: Any, field: str) -> None:
    response = flag(logged_in(ranked(MEMBER)), f"/api/v1/posts/{post.pk}/flags/", body)

    assert response.status_code == 400
    assert field in response.json()
    assert not Flag.objects.exists()


def test_content_that_does_not_exist_or_is_hidden_is_404(post: Post, thread: Thread) -> None:
    client = logged_in(ranked(MEMBER))
    services.content_hide(post=post, reason=HiddenReason.MODERATOR, actor_id=None)

    assert flag(client, "/api/v1/posts/999999/flags/", {"kind": "spam"}).status_code == 404
    assert flag(client, "/api/v1/threads/999999/flags/", {"kind": "spam"}).status_code == 404
    assert flag(client, f"/api/v1/posts/{post.pk}/flags/", {"kind": "spam"}).status_code == 404


def test_a_token_client_can_flag(post: Post) -> None:
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=ranked(MEMBER))
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")

    assert flag(client, f"/api/v1/posts/{post.pk}/flags/", {"kind": "spam"}).status_code == 201


def test_the_schema_describes_both_flag_endpoints(client: Client) -> None:
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()

    for path in ("/api/v1/posts/{id}/flags/", "/api/v1/threads/{id}/flags/"):
        operation = schema["paths"][path]["post"]
        assert {"201", "400", "401", "403", "404", "409"} <= set(operation["responses"])
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body.endswith("/FlagRequest")
