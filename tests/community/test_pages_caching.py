"""HTTP caching of the pages: shared caches may keep what anonymous visitors see for a
minute; anything personal (a member's page, a flash message) stays private, and anonymous
pages set no cookies, so a cache has nothing to mix up between visitors."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from community.models import Member
from tests.builders import answer, ask, board_make, logged_in
from tests.community.page_factories import tag_make

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def pages(asker: Member, helper: Member) -> list[str]:
    board = board_make("network", "Network & Coverage")
    tag_make("esim", "eSIM")
    thread = ask(author=asker, board=board, title="My eSIM will not activate", tags=["esim"])
    answer(author=helper, thread=thread)
    return [
        "/",
        "/boards/",
        board.get_absolute_url(),
        f"{board.get_absolute_url()}?filter=solved&sort=kudos",
        thread.get_absolute_url(),
        "/unanswered/",
        "/tags/esim/",
        "/search/?q=esim",
        "/members/asker/",
    ]


def directives(response: Response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def vary(response: Response) -> set[str]:
    return {part.strip().lower() for part in response.get("Vary", "").split(",") if part}


def test_anonymous_pages_may_be_kept_by_shared_caches_for_a_minute(
    client: Client, pages: list[str]
) -> None:
    for url in pages:
        response = client.get(url)

        assert response.status_code == 200, url
        assert {"public", "max-age=60"} <= directives(response), url
        assert "private" not in directives(response), url
        assert {"cookie", "accept-language"} <= vary(response), url


def test_anonymous_pages_set_no_cookies_at_all(client: Client, pages: list[str]) -> None:
    for url in pages:
        response = client.get(url)

        assert "csrftoken" not in response.cookies, url
        assert "sessionid" not in response.cookies, url
        assert dict(response.cookies) == {}, url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url


def test_members_pages_are_private(asker: Member, pages: list[str]) -> None:
    client = logged_in(asker)
    for url in pages:
        response = client.get(url)

        assert response.status_code == 200, url
        assert "private" in directives(response), url
        assert "public" not in directives(response), url
        assert "cookie" in vary(response), url


def test_an_anonymous_page_showing_a_flash_message_is_private(
    client: Client, asker: Member, pages: list[str]
) -> None:
    """The "You have signed out." page must not be served to the next visitor from a cache."""
    client.force_login(asker)
    client.post("/accounts/logout/")

    response = client.get("/")

    assert "You have signed out." in response.content.decode()
    assert "private" in directives(response)
    assert "public" not in directives(response)

    after = client.get("/")
    assert "You have signed out." not in after.content.decode()
    assert "public" in directives(after)


def test_a_signed_out_session_is_gone_for_every_copy_of_its_cookie(asker: Member) -> None:
    """With Redis the session is read from the cache first: signing out must empty it there."""
    first = Client()
    first.force_login(asker)
    second = Client()
    second.cookies[settings.SESSION_COOKIE_NAME] = first.cookies[settings.SESSION_COOKIE_NAME]
    assert second.get("/").wsgi_request.user == asker

    first.post("/accounts/logout/")

    assert second.get("/").wsgi_request.user.is_anonymous


def test_redirects_are_not_cached_as_public(client: Client, pages: list[str]) -> None:
    thread_url = pages[4]
    pk = thread_url.split("/")[2]

    response = client.get(f"/threads/{pk}/old-title/")

    assert response.status_code == 301
    assert "public" not in directives(response)


def test_the_language_cookie_is_part_of_the_cache_key(client: Client, pages: list[str]) -> None:
    """Italian and English pages differ by a cookie, so Vary: Cookie must be there."""
    english = client.get("/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    italian = client.get("/")

    assert "Ask a question" in english.content.decode()
    assert "Fai una domanda" in italian.content.decode()
    assert "cookie" in vary(italian)
    assert "public" in directives(italian)
