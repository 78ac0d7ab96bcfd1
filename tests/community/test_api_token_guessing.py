"""Password guessing through the token endpoint and the sign-in page (issue 13, item 1).

The attacks: rotate `X-Forwarded-For` so the per-address throttle sees a new client every
time; guess through the API because the web sign-in locks out; guess while Redis is down
because the limits live there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community.models import Member
from tests.factories import PASSWORD, MemberFactory
from tests.processes import refused_port

TOKEN_URL = "/api/v1/auth/token/"
LOGIN_URL = "/accounts/login/"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def ask_token(api: APIClient, username: str, password: str, **extra: Any) -> Any:
    return api.post(TOKEN_URL, {"username": username, "password": password}, format="json", **extra)


def sign_in(client: Client, login: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN_URL, {"login": login, "password": password}, **extra)


def forwarded(n: int) -> dict[str, str]:
    return {"HTTP_X_FORWARDED_FOR": f"198.51.100.{n % 250 + 1}"}


# --- The client address ---------------------------------------------------------------------


def test_rotating_x_forwarded_for_does_not_buy_fresh_guesses(asker: Member) -> None:
    # With no trusted proxy (the default) the header is ignored: one client, one count.
    api = APIClient()
    statuses = [
        ask_token(api, "asker", f"guess-{n}", **forwarded(n)).status_code for n in range(30)
    ]

    assert 429 in statuses
    assert statuses.index(429) <= 10
    assert statuses[statuses.index(429) :] == [429] * (30 - statuses.index(429))
    right = ask_token(api, "asker", PASSWORD, **forwarded(31))
    assert right.status_code == 429
    assert not Token.objects.exists()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_rotating_addresses_still_meets_the_account_limits(
    asker: Member,
) -> None:
    # Each request now really looks like another client (the proxy vouches for it), so the
    # per-address throttle can't help; the per-account lock-out must.
    api = APIClient()
    statuses = [
        ask_token(api, "asker", f"guess-{n}", **forwarded(n)).status_code for n in range(30)
    ]

    assert statuses[:5] == [400] * 5
    assert statuses[5:] == [429] * 25
    assert ask_token(api, "asker", PASSWORD, **forwarded(40)).status_code == 429
    assert not Token.objects.exists()


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_address_it_reports_is_the_one_throttled(db: None) -> None:
    api = APIClient()
    one_client = {"HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.7"}  # the proxy saw .7
    statuses = [ask_token(api, f"nobody-{n}", "guess", **one_client).status_code for n in range(11)]
    assert statuses == [400] * 10 + [429]

    # Same socket peer (the proxy), another client: not throttled.
    other = ask_token(api, "nobody-x", "guess", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other.status_code == 400


@override_settings(TRUSTED_PROXY_COUNT=3)
def test_a_forwarded_header_shorter_than_the_proxy_count_is_not_a_500(asker: Member) -> None:
    api = APIClient()

    assert ask_token(api, "asker", "guess", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 400
    assert ask_token(api, "asker", "guess", HTTP_X_FORWARDED_FOR="not-an-ip").status_code == 400
    response = sign_in(Client(), "asker", "guess", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 200  # the form again, with its error


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_account_can_ask_for_its_token_only_so_often_from_anywhere(asker: Member) -> None:
    api = APIClient()
    statuses = [ask_token(api, "asker", PASSWORD, **forwarded(n)).status_code for n in range(21)]

    assert statuses == [200] * 20 + [429]


# --- One lock-out for the web and the API ---------------------------------------------------


def test_failed_web_sign_ins_lock_the_account_out_of_the_token_endpoint(asker: Member) -> None:
    web = Client()
    for n in range(5):
        assert sign_in(web, "asker", f"guess-{n}").status_code == 200

    response = ask_token(APIClient(), "asker", PASSWORD, REMOTE_ADDR="192.0.2.50")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert not Token.objects.exists()


def test_failed_token_requests_lock_the_account_out_of_the_web_sign_in(asker: Member) -> None:
    api = APIClient()
    for n in range(5):
        assert ask_token(api, "asker", f"guess-{n}").status_code == 400

    response = sign_in(Client(), "asker", PASSWORD, REMOTE_ADDR="192.0.2.50")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in Client().session


def test_the_lock_out_is_per_account(asker: Member, helper: Member) -> None:
    api = APIClient()
    for n in range(5):
        ask_token(api, "asker", f"guess-{n}", REMOTE_ADDR="192.0.2.1")

    assert ask_token(api, "helper", PASSWORD, REMOTE_ADDR="192.0.2.2").status_code == 200
    assert sign_in(Client(), "helper", PASSWORD, REMOTE_ADDR="192.0.2.3").status_code == 302


def test_the_username_is_one_account_whatever_its_case(db: None) -> None:
    MemberFactory.create(username="casey")
    api = APIClient()
    for n, spelling in enumerate(["casey", "CASEY", "Casey", "cAsEy", "caseY"]):
        ask_token(api, spelling, f"guess-{n}", REMOTE_ADDR=f"192.0.2.{n + 1}")

    assert ask_token(api, "casey", PASSWORD, REMOTE_ADDR="192.0.2.99").status_code == 429


def test_a_right_password_does_not_reset_the_count_of_wrong_ones(asker: Member) -> None:
    api = APIClient()
    for n in range(4):
        ask_token(api, "asker", f"guess-{n}", REMOTE_ADDR="192.0.2.1")
    assert ask_token(api, "asker", PASSWORD, REMOTE_ADDR="192.0.2.2").status_code == 200

    assert ask_token(api, "asker", "guess-5", REMOTE_ADDR="192.0.2.3").status_code == 400
    assert ask_token(api, "asker", PASSWORD, REMOTE_ADDR="192.0.2.4").status_code == 429


# --- Without Redis the limits refuse ---------------------------------------------------------


@pytest.fixture
def redis_down() -> Iterator[None]:
    with refused_port() as port:
        dead = {
            "default": {
                "BACKEND": "config.cache.ResilientRedisCache",
                "LOCATION": f"redis://127.0.0.1:{port}/0",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        }
        with override_settings(CACHES=dead):
            yield


def test_without_redis_the_token_endpoint_refuses_with_retry_after(
    asker: Member, redis_down: None
) -> None:
    api = APIClient()
    for n in range(12):
        response = ask_token(api, "asker", f"guess-{n}")
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        assert "unavailable" in response.json()["detail"]
    assert ask_token(api, "asker", PASSWORD).status_code == 503
    assert not Token.objects.exists()


def test_without_redis_the_web_sign_in_refuses_with_retry_after(
    asker: Member, redis_down: None
) -> None:
    response = sign_in(Client(), "asker", PASSWORD)

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def test_without_redis_pages_still_answer(db: None, redis_down: None) -> None:
    # Only the checks that must fail closed do; the rest of the site degrades as before.
    assert Client().get("/").status_code == 200
    assert Client().get(LOGIN_URL).status_code == 200


def test_guesses_by_email_and_by_username_count_against_one_account(asker: Member) -> None:
    web = Client()
    for n in range(3):
        sign_in(web, asker.email, f"guess-{n}", REMOTE_ADDR=f"192.0.2.{n + 1}")
    for n in range(2):
        ask_token(APIClient(), "asker", f"guess-{n}", REMOTE_ADDR=f"192.0.2.{n + 10}")

    assert sign_in(Client(), "asker", PASSWORD, REMOTE_ADDR="192.0.2.50").status_code == 429
    assert sign_in(Client(), asker.email, PASSWORD, REMOTE_ADDR="192.0.2.51").status_code == 429
