"""POST /api/v1/auth/token/: a username and password for an API token (docs/api.md, Conventions)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.test import APIClient

from community.models import Member
from tests.factories import PASSWORD, MemberFactory

TOKEN_URL = "/api/v1/auth/token/"
WRONG_CREDENTIALS = {"detail": "Unable to log in with the username and password given."}


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # The throttle counts requests in the default cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def ask_token(api: APIClient, username: str, password: str, **extra: Any) -> Any:
    return api.post(TOKEN_URL, {"username": username, "password": password}, format="json", **extra)


def test_a_verified_member_gets_a_token(api: APIClient, asker: Member) -> None:
    response = ask_token(api, "asker", PASSWORD)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["token"]
    assert body["token"] == Token.objects.get(user=asker).key
    assert len(body["token"]) == 40


def test_asking_twice_gives_the_same_token(api: APIClient, asker: Member) -> None:
    first = ask_token(api, "asker", PASSWORD).json()["token"]
    second = ask_token(api, "asker", PASSWORD).json()["token"]

    assert first == second
    assert Token.objects.filter(user=asker).count() == 1


def test_each_member_gets_their_own_token(api: APIClient, asker: Member, helper: Member) -> None:
    asker_token = ask_token(api, "asker", PASSWORD).json()["token"]
    helper_token = ask_token(api, "helper", PASSWORD).json()["token"]

    assert asker_token != helper_token
    assert Token.objects.get(key=helper_token).user == helper


def test_a_form_encoded_request_works_too(api: APIClient, asker: Member) -> None:
    response = api.post(TOKEN_URL, {"username": "asker", "password": PASSWORD})

    assert response.status_code == 200
    assert "token" in response.json()


def test_the_token_authenticates_its_member(api: APIClient, asker: Member) -> None:
    key = ask_token(api, "asker", PASSWORD).json()["token"]
    request = Request(RequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Token {key}"))

    result = TokenAuthentication().authenticate(request)

    assert result is not None
    user, token = result
    assert user == asker
    assert token.key == key


def test_the_api_accepts_the_token_and_rejects_a_forged_one(api: APIClient, asker: Member) -> None:
    key = ask_token(api, "asker", PASSWORD).json()["token"]
    docs = "/api/v1/docs/"  # a public page that still runs the API's authentication

    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get(docs).status_code == 200

    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    refused = api.get(docs)
    assert refused.status_code == 401
    assert refused["WWW-Authenticate"] == "Token"


def test_wrong_password_and_unknown_member_get_the_very_same_400(
    api: APIClient, asker: Member
) -> None:
    wrong_password = ask_token(api, "asker", "not-the-password")
    unknown_member = ask_token(api, "nobody-at-all", "not-the-password")

    assert wrong_password.status_code == unknown_member.status_code == 400
    assert wrong_password.json() == unknown_member.json() == WRONG_CREDENTIALS
    assert wrong_password.content == unknown_member.content
    assert not Token.objects.exists()


def test_a_deactivated_member_gets_the_same_400_as_wrong_credentials(
    api: APIClient, asker: Member
) -> None:
    asker.is_active = False
    asker.save()

    response = ask_token(api, "asker", PASSWORD)

    assert response.status_code == 400
    assert response.json() == WRONG_CREDENTIALS
    assert not Token.objects.exists()


def test_a_member_whose_email_is_not_confirmed_is_told_to_confirm_it(
    api: APIClient, db: None
) -> None:
    member = MemberFactory.create(username="pending", verified=False)

    response = ask_token(api, "pending", PASSWORD)

    assert response.status_code == 400
    assert response.json() == {"detail": "Confirm your email address before using the API."}
    assert not Token.objects.filter(user=member).exists()


def test_a_member_with_no_email_address_record_cannot_get_a_token(api: APIClient, db: None) -> None:
    member = MemberFactory.build(username="legacy", email="legacy@example.com")
    member.set_password(PASSWORD)
    member.save()

    response = ask_token(api, "legacy", PASSWORD)

    assert response.status_code == 400
    assert "Confirm your email address" in response.json()["detail"]


def test_the_password_is_not_trimmed(api: APIClient, db: None) -> None:
    MemberFactory.create(username="spacey", password="  padded password  ")

    assert ask_token(api, "spacey", "padded password").status_code == 400
    assert ask_token(api, "spacey", "  padded password  ").status_code == 200


@pytest.mark.parametrize(
    ("payload", "missing"),
    [
        ({}, {"username", "password"}),
        ({"username": "asker"}, {"password"}),
        ({"password": PASSWORD}, {"username"}),
        ({"username": "", "password": ""}, {"username", "password"}),
    ],
)
def test_missing_fields_give_400_with_field_errors(
    api: APIClient, asker: Member, payload: dict[str, str], missing: set[str]
) -> None:
    response = api.post(TOKEN_URL, payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert set(body) == missing
    for field in missing:
        assert isinstance(body[field], list)
        assert body[field]
        assert all(isinstance(message, str) for message in body[field])


def test_malformed_json_is_a_400_not_a_500(api: APIClient, db: None) -> None:
    response = api.post(TOKEN_URL, '{"username": "asker", ', content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_an_absurdly_long_password_is_a_field_error(api: APIClient, asker: Member) -> None:
    response = ask_token(api, "asker", "p" * 10_000)

    assert response.status_code == 400
    assert "password" in response.json()


def test_the_endpoint_only_accepts_post(api: APIClient, db: None) -> None:
    assert api.get(TOKEN_URL).status_code == 405


def test_the_endpoint_needs_no_csrf_token(asker: Member) -> None:
    api = APIClient(enforce_csrf_checks=True)

    response = ask_token(api, "asker", PASSWORD)

    assert response.status_code == 200


def test_more_than_ten_requests_a_minute_from_one_address_are_throttled_with_retry_after(
    api: APIClient, asker: Member
) -> None:
    # Ten different accounts, so only the per-address throttle is in play.
    statuses = [ask_token(api, f"nobody-{n}", "guess").status_code for n in range(10)]
    assert statuses == [400] * 10

    throttled = ask_token(api, "asker", PASSWORD)

    assert throttled.status_code == 429
    retry_after = int(throttled["Retry-After"])
    assert 0 < retry_after <= 60
    assert "detail" in throttled.json()
    assert not Token.objects.exists()  # even the right password waits


def test_five_wrong_passwords_lock_the_account_out_even_for_the_right_one(
    api: APIClient, asker: Member
) -> None:
    statuses = [ask_token(api, "asker", f"guess-{n}").status_code for n in range(5)]
    assert statuses == [400] * 5

    locked = ask_token(api, "asker", PASSWORD)

    assert locked.status_code == 429
    assert 0 < int(locked["Retry-After"]) <= 300
    assert locked.json()["detail"] == "Too many failed login attempts. Try again later."
    assert not Token.objects.exists()


def test_the_throttle_is_per_client_address(api: APIClient, asker: Member) -> None:
    for n in range(11):
        ask_token(api, f"nobody-{n}", "guess", REMOTE_ADDR="203.0.113.7")

    elsewhere = ask_token(api, "asker", PASSWORD, REMOTE_ADDR="198.51.100.2")

    assert elsewhere.status_code == 200
