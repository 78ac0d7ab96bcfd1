"""Hostile input gets a clear 400 or 404, never a 500 (issue 13, item 4).

A NUL character can't be stored in PostgreSQL text and a lookup with one raises
psycopg.DataError: every place a client's text reaches the database is tried with one, on
whichever database the suite runs (CI: PostgreSQL). Deeply nested JSON used to raise
RecursionError in the parser.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.authtoken.models import Token

from community.models import Board, Member, Thread
from tests.builders import ask, board_make, member_make
from tests.community.svc_factories import make_tag

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board() -> Board:
    return board_make(slug="billing")


@pytest.fixture
def thread(asker: Member, board: Board) -> Thread:
    make_tag("roaming")
    return ask(asker, board, tags=["roaming"])


def token_client(member: Member) -> Client:
    key = Token.objects.get_or_create(user=member)[0].key
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def signed_in(member: Member) -> Client:
    client = Client()
    client.force_login(member)
    return client


NUL_PATHS = [
    "/api/v1/members/a%00b/",
    "/members/a%00b/",
    "/members/a%00b/points/",
    "/moderation/members/a%00b/",
    "/boards/a%00b/",
    "/tags/a%00b/",
    "/badges/a%00b/",
    "/badges/a%00b/icon.svg",
    "/api/v1/threads/1%00/",
    "/a%00b/",
]


@pytest.mark.parametrize("path", NUL_PATHS)
def test_a_nul_in_the_path_is_a_404(path: str, moderator: Member) -> None:
    for client in (Client(), signed_in(moderator)):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
    if path.startswith("/api/"):
        assert response.json()["code"] == "not_found"


NUL_QUERIES = [
    "/search/?q=a%00b",
    "/api/v1/search/?q=a%00b",
    "/api/v1/threads/?board=a%00b",
    "/api/v1/threads/?tag=a%00b",
    "/api/v1/threads/?author=a%00b",
    "/api/v1/threads/?status=a%00b",
    "/api/v1/threads/similar/?title=a%00b",
    "/api/v1/leaderboard/?board=a%00b",
    "/leaderboard/?board=a%00b",
    "/ask/?board=a%00b",
    "/?filter=a%00b",
    "/boards/billing/?sort=a%00b",
    "/api/v1/notifications/?unread=%00",
    "/moderation/?page=%00",
    "/support/?board=a%00b",
    "/api/v1/cases/?board=a%00b",
    "/support/dashboard/?days=%00",
    "/api/v1/threads/?a%00=1",
]


@pytest.mark.parametrize("path", NUL_QUERIES)
def test_a_nul_in_the_query_string_is_a_400(
    path: str, board: Board, agent: Member, moderator: Member
) -> None:
    for client in (Client(), signed_in(agent), signed_in(moderator)):
        response = client.get(path)
        assert response.status_code == 400, (path, response.status_code)
        if path.startswith("/api/"):
            assert response.json()  # the parameter at fault, or "detail"


def test_a_nul_in_a_json_body_is_a_400(asker: Member, thread: Thread) -> None:
    api = token_client(member_make(username="poster"))
    for path, body in [
        ("/api/v1/threads/", {"board": "bill\x00ing", "title": "A title long enough", "body": "x"}),
        ("/api/v1/threads/", {"board": "billing", "title": "T\x00", "body": "Body text here"}),
        ("/api/v1/threads/", {"board": "billing", "title": "Title", "body": "b", "tags": ["\x00"]}),
        (f"/api/v1/threads/{thread.pk}/posts/", {"body": "An answer\x00 with a NUL in it"}),
        ("/api/v1/auth/token/", {"username": "ask\x00er", "password": "x"}),
        ("/api/v1/notifications/read/", {"ids": ["\x00"]}),
    ]:
        response = api.post(path, json.dumps(body), content_type="application/json")
        assert response.status_code == 400, (path, body, response.status_code)
        assert "detail" in response.json() or response.json()


def test_a_nul_in_a_form_is_a_400(moderator: Member, thread: Thread) -> None:
    client = signed_in(moderator)
    for path, form in [
        ("/moderation/members/asker/", {"action": "warn", "reason": "r\x00"}),
        ("/moderation/members/asker/", {"board": "bill\x00ing", "action": "ban"}),
        (f"/threads/{thread.pk}/answer/", {"body": "An answer with a \x00"}),
        ("/accounts/login/", {"login": "ask\x00er", "password": "x"}),
    ]:
        response = client.post(path, form)
        assert response.status_code == 400, (path, response.status_code)


def test_a_nul_in_a_token_or_a_session_cookie_is_a_400(asker: Member) -> None:
    api = Client(HTTP_AUTHORIZATION="Token abc\x00def")
    response = api.get("/api/v1/notifications/")
    assert response.status_code == 400
    assert "detail" in response.json()

    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert client.get("/").status_code == 400


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_a_400(depth: int, asker: Member) -> None:
    api = token_client(asker)
    for body in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        for path in ("/api/v1/threads/", "/api/v1/auth/token/", "/api/v1/notifications/read/"):
            response = api.post(path, body, content_type="application/json")
            assert response.status_code == 400, (path, depth, response.status_code)
            assert "detail" in response.json()
