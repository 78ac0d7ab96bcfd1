"""Joining Mutua in a real browser: sign up, confirm the address, land on your profile."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.harness import (
    DESKTOP,
    PHONE,
    MailOutbox,
    assert_fits_the_viewport,
    message_urls,
)

PASSWORD = "Lantern-oak-river-42"


@dataclass(frozen=True)
class Newcomer:
    username: str
    email: str
    display_name: str


def a_newcomer() -> Newcomer:
    # The server and its outbox serve the whole session, and a shared Redis keeps allauth's
    # per-address rate limits across runs: every test signs up someone never seen before.
    suffix = secrets.token_hex(4)
    return Newcomer(
        username=f"nina_{suffix}",
        email=f"nina.{suffix}@example.com",
        display_name=f"Nina Newcomer {suffix}",
    )


def fill_the_signup_form(page: Page, newcomer: Newcomer) -> None:
    form = page.get_by_role("main").locator("form")
    form.locator("[name=username]").fill(newcomer.username)
    form.locator("[name=email]").fill(newcomer.email)
    form.locator("[name=password1]").fill(PASSWORD)
    form.locator("[name=password2]").fill(PASSWORD)
    form.locator("[name=display_name]").fill(newcomer.display_name)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_new_member_signs_up_confirms_the_email_and_sees_the_profile(
    page: Page, mail_outbox: MailOutbox, viewport: ViewportSize
) -> None:
    newcomer = a_newcomer()

    page.goto("/")
    join = page.get_by_role("banner").get_by_role("link", name="Join", exact=True)
    # On a phone the header must still offer the way in, without sideways scrolling.
    expect(join).to_be_visible()
    assert_fits_the_viewport(page)
    join.click()

    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    assert_fits_the_viewport(page)
    fill_the_signup_form(page, newcomer)
    page.get_by_role("button", name="Sign up").click()

    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("We have sent an email to you")

    message = mail_outbox.wait_for_message_to(newcomer.email)
    assert message["Subject"].startswith("[Mutua] ")
    confirm_urls = [url for url in message_urls(message) if "/accounts/confirm-email/" in url]
    assert confirm_urls, f"no confirmation link in:\n{message}"

    page.goto(confirm_urls[0])
    # ACCOUNT_CONFIRM_EMAIL_ON_GET is off, so a mail scanner that prefetches the link cannot
    # confirm for the member: the link opens a page that asks, and a button that confirms.
    expect(page.get_by_role("main")).to_contain_text(newcomer.email)
    page.get_by_role("button", name="Confirm").click()

    # ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION: confirming signs the member in.
    account_menu = page.get_by_role("banner").locator("details.menu")
    account_menu.locator("summary").click()
    expect(account_menu).to_contain_text(f"@{newcomer.username}")
    assert_fits_the_viewport(page)
    account_menu.get_by_role("menuitem", name="Your profile").click()

    expect(page).to_have_url(re.compile(rf"/members/{newcomer.username}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(newcomer.display_name)
    expect(page.get_by_role("main")).to_contain_text(f"@{newcomer.username}")
    assert_fits_the_viewport(page)


def test_a_text_file_posing_as_a_png_avatar_is_refused_and_no_email_is_sent(
    page: Page, mail_outbox: MailOutbox
) -> None:
    newcomer = a_newcomer()

    page.goto("/accounts/signup/")
    fill_the_signup_form(page, newcomer)
    # The browser's accept="image/..." filter trusts the name; the server must read the bytes.
    page.locator("[name=avatar]").set_input_files(
        {"name": "avatar.png", "mimeType": "image/png", "buffer": b"not a picture, only text\n"}
    )
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    expect(page.get_by_role("main")).to_contain_text("This file is not an image we can read")
    # The rest of what was typed survives, so only the picture needs fixing.
    expect(page.locator("[name=username]")).to_have_value(newcomer.username)

    # Nothing was created: no member page, and no confirmation mail went out.
    response = page.goto(f"/members/{newcomer.username}/")
    assert response is not None
    assert response.status == 404
    assert mail_outbox.messages_to(newcomer.email) == []
