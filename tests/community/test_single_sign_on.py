"""Single sign-on through a brand's OpenID Connect provider (config/env.py social_providers,
community.adapters.SocialAccountAdapter), against a small provider on loopback."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.test import Client, override_settings

from community.models import Member
from config.env import sign_in_origins, social_providers
from tests.factories import MemberFactory
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Person, Provider, oidc_provider

LOGIN = "/accounts/oidc/sso/login/"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


# The provider's /authorize answers 302 to the site: read the redirect, don't follow it.
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects)


@pytest.fixture
def provider(db: None) -> Iterator[Provider]:
    with oidc_provider() as running:
        environment = {
            "OIDC_SERVER_URL": running.url,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_BUTTON_LABEL": "Sign in with Acme ID",
        }
        with override_settings(SOCIALACCOUNT_PROVIDERS=social_providers(environment)):
            yield running


def sign_in_through(provider: Provider, client: Client, person: Person) -> Any:
    """The browser's round trip: our login → the provider → back to our callback."""
    provider.signs_in(person)
    start = client.post(LOGIN)
    assert start.status_code == 302, start
    assert start["Location"].startswith(f"{provider.url}/authorize?")
    try:
        opener.open(start["Location"])
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302
        back = redirect.headers["Location"]
    else:  # pragma: no cover - the provider always redirects
        raise AssertionError("the provider did not send the browser back")
    return client.get(back.removeprefix("http://testserver"))


def signed_in_member(client: Client) -> Member | None:
    user_id = client.session.get("_auth_user_id")
    return Member.objects.get(pk=user_id) if user_id else None


def test_the_sign_in_page_offers_the_brands_provider_by_its_label(provider: Provider) -> None:
    page = Client().get("/accounts/login/").content.decode()

    assert "Sign in with Acme ID" in page
    assert LOGIN in page
    # Google and Apple are offered only when configured.
    assert "/accounts/google/" not in page
    assert "/accounts/apple/" not in page


def test_without_configuration_no_provider_is_offered(db: None) -> None:
    page = Client().get("/accounts/login/").content.decode()

    assert "/accounts/oidc/" not in page
    assert Client().post(LOGIN).status_code == 404


def test_a_new_person_with_a_verified_address_joins_and_is_signed_in(provider: Provider) -> None:
    client = Client()

    done = sign_in_through(provider, client, Person(sub="u-1", email="sam@acme.example"))

    assert done.status_code == 302
    member = signed_in_member(client)
    assert member is not None
    assert member.email == "sam@acme.example"
    assert EmailAddress.objects.get(user=member).verified
    assert SocialAccount.objects.get(user=member).uid == "u-1"
    assert provider.token_requests == 1


def test_the_next_sign_in_finds_the_same_member(provider: Provider) -> None:
    first, second = Client(), Client()
    sam = Person(sub="u-1", email="sam@acme.example")

    sign_in_through(provider, first, sam)
    sign_in_through(provider, second, sam)

    assert signed_in_member(first) == signed_in_member(second)
    assert Member.objects.filter(email="sam@acme.example").count() == 1


def test_a_verified_address_on_both_sides_links_the_existing_member(provider: Provider) -> None:
    existing = MemberFactory.create(username="samuel", email="sam@acme.example")
    client = Client()

    sign_in_through(provider, client, Person(sub="u-9", email="sam@acme.example"))

    assert signed_in_member(client) == existing
    assert SocialAccount.objects.get(uid="u-9").user == existing


def test_an_address_the_provider_did_not_verify_never_opens_an_existing_account(
    provider: Provider,
) -> None:
    existing = MemberFactory.create(username="samuel", email="sam@acme.example")
    client = Client()

    sign_in_through(
        provider, client, Person(sub="u-9", email="sam@acme.example", email_verified=False)
    )

    assert signed_in_member(client) is None
    assert not SocialAccount.objects.filter(user=existing).exists()
    existing.refresh_from_db()
    assert existing.has_usable_password()


def test_an_address_unconfirmed_here_is_not_linked_either(provider: Provider) -> None:
    # Someone typed the victim's address at sign-up here and never confirmed it: the victim's
    # sign-on must not land in (or share) that account.
    squatter = MemberFactory.create(username="squatter", email="sam@acme.example", verified=False)
    client = Client()

    sign_in_through(provider, client, Person(sub="u-9", email="sam@acme.example"))

    assert signed_in_member(client) is None
    assert not SocialAccount.objects.filter(user=squatter).exists()


def test_a_forged_callback_signs_nobody_in(provider: Provider) -> None:
    client = Client()
    client.post(LOGIN)

    response = client.get(f"{LOGIN}callback/?code=made-up&state=made-up")

    assert response.status_code == 401
    assert "third-party login failure" in response.content.decode().lower()
    assert signed_in_member(client) is None


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"OIDC_SERVER_URL": "https://id.example"}, "OIDC_CLIENT_ID, OIDC_CLIENT_SECRET"),
        ({"GOOGLE_CLIENT_ID": "x"}, "GOOGLE_CLIENT_SECRET"),
        ({"APPLE_CLIENT_ID": "x", "APPLE_TEAM_ID": "t"}, "APPLE_KEY_ID, APPLE_PRIVATE_KEY"),
    ],
)
def test_a_half_configured_provider_stops_the_settings_with_what_is_missing(
    environment: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        social_providers(environment)


def test_google_and_apple_appear_when_configured(db: None) -> None:
    environment = {
        "GOOGLE_CLIENT_ID": "g-id",
        "GOOGLE_CLIENT_SECRET": "g-secret",
        "APPLE_CLIENT_ID": "a-id",
        "APPLE_TEAM_ID": "team",
        "APPLE_KEY_ID": "key",
        "APPLE_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----",
    }
    with override_settings(SOCIALACCOUNT_PROVIDERS=social_providers(environment)):
        page = Client().get("/accounts/login/").content.decode()

    assert "/accounts/google/login/" in page
    assert "/accounts/apple/login/" in page
    assert "/accounts/oidc/" not in page


def test_the_browser_may_be_sent_to_each_configured_provider_and_no_other() -> None:
    environment = {
        "OIDC_SERVER_URL": "https://id.acme.example/realms/customers",
        "OIDC_CLIENT_ID": "c",
        "OIDC_CLIENT_SECRET": "s",
        "GOOGLE_CLIENT_ID": "g-id",
        "GOOGLE_CLIENT_SECRET": "g-secret",
    }

    assert sign_in_origins(social_providers(environment)) == [
        "https://accounts.google.com",
        "https://id.acme.example",
    ]
    assert sign_in_origins(social_providers({})) == []
