"""Accounts in a real browser: a staff member's second factor (sent to set one up at the
first sign-in, an authenticator app activated, then asked for its code at the next sign-in),
and single sign-on through a brand's OpenID Connect provider.

The journeys' shared server lifts the second-factor rule (MFA_REQUIRED_FOR_STAFF=0,
conftest.py) so they can sign in as the demo's staff; this module serves the product with the
rule on, as production, and with a small OpenID Connect provider on loopback configured.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Person, Provider, oidc_provider
from tests.processes import manage, server_environment, throwaway_database, web_server

PASSWORD = "Staff-lantern-oak-42"
CREATE_AGENT = f"""
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from community.models import Member
agent = Member.objects.create_user("ada", "ada@example.com", "{PASSWORD}", is_staff=True)
agent.groups.add(Group.objects.get(name="agents"))
EmailAddress.objects.create(user=agent, email=agent.email, primary=True, verified=True)
"""


def totp_code(secret: str) -> str:
    """What an authenticator app shows for `secret` now (RFC 6238: SHA-1, 30 s, 6 digits)."""
    counter = int(time.time()) // 30
    digest = hmac.new(
        base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1
    ).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


@pytest.fixture(scope="module")
def identity_provider() -> Iterator[Provider]:
    with oidc_provider() as provider:
        yield provider


@pytest.fixture(scope="module")
def live_server_url(
    tmp_path_factory: pytest.TempPathFactory, identity_provider: Provider
) -> Iterator[str]:
    root = tmp_path_factory.mktemp("mutua-accounts")
    with throwaway_database(root, "mutua_accounts") as database_url:
        env = server_environment(
            root,
            database_url,
            MFA_REQUIRED_FOR_STAFF="1",
            OIDC_SERVER_URL=identity_provider.url,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_BUTTON_LABEL="Acme ID",
        )
        manage(env, "migrate", "--no-input")
        manage(env, "shell", "-c", CREATE_AGENT)
        with web_server(env, root / "server.log") as server:
            yield server.url


def sign_in(page: Page) -> None:
    page.goto("/accounts/login/")
    form = page.get_by_role("main").locator("form", has=page.locator("[name=login]"))
    form.locator("[name=login]").fill("ada")
    form.locator("[name=password]").fill(PASSWORD)
    form.locator("[name=password]").press("Enter")


def test_an_agent_sets_up_an_authenticator_app_then_signs_in_with_it(page: Page) -> None:
    sign_in(page)

    # Every staff page sends her to set up a second factor first, and says why.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.get_by_role("status")).to_contain_text("Staff accounts need a second factor")
    page.goto("/support/cases/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))

    page.get_by_role("link", name="Activate").first.click()
    # Adding a factor asks for the password again.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("[name=password]").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    secret = page.locator("#authenticator_secret").input_value()
    activated_step = int(time.time()) // 30
    page.locator("[name=code]").fill(totp_code(secret))
    page.locator("[name=code]").press("Enter")

    # Activated: the staff pages open.
    page.goto("/support/cases/")
    expect(page).to_have_url(re.compile(r"/support/cases/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # Next sign-in asks for the app's code before letting her in.
    page.context.clear_cookies()
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    # A code is good once: wait for the app's next one, as a person would.
    while int(time.time()) // 30 == activated_step:
        time.sleep(0.5)
    page.locator("[name=code]").fill(totp_code(secret))
    page.locator("[name=code]").press("Enter")
    page.goto("/support/cases/")
    expect(page).to_have_url(re.compile(r"/support/cases/$"))


def test_a_customer_signs_in_with_the_brands_identity_provider(
    page: Page, identity_provider: Provider
) -> None:
    identity_provider.signs_in(
        Person(sub="acme-77", email="olga@acme.example", name="Olga", preferred_username="olga")
    )
    page.goto("/accounts/login/")

    page.get_by_role("link", name="Acme ID").click()
    page.get_by_role("button", name="Continue").click()

    # Back from the provider, signed in as a new member with the provider's verified address.
    account_menu = page.get_by_role("banner").locator("details.menu")
    expect(account_menu).to_contain_text("@olga")
