"""Personal data in a real browser: a member downloads their data from the settings page,
then deletes their account; their question stays, shown as by a deleted member.

The member is made for this test (manage.py shell) so the demo members the other journeys
use stay as they are.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.harness import DEMO_PASSWORD, log_in

MAKE_MEMBER = """
from allauth.account.models import EmailAddress
from community import services
from community.models import Board, Member
member = Member.objects.create_user(
    username="{username}", email="{username}@example.com", display_name="Petra Private",
    password="{password}",
)
EmailAddress.objects.create(user=member, email=member.email, primary=True, verified=True)
thread = services.thread_create(
    author=member, board=Board.objects.order_by("pk").first(),
    title="Why does my eSIM stop working abroad?",
    body="It works at home and stops as soon as I land.", tags=[], check_limits=False,
)
print("THREAD", thread.get_absolute_url())
"""


def test_a_member_downloads_their_data_and_deletes_their_account(
    new_page: Callable[[], Page], manage: Callable[..., str], tmp_path: Path
) -> None:
    username = f"petra{secrets.token_hex(3)}"
    output = manage("shell", "-c", MAKE_MEMBER.format(username=username, password=DEMO_PASSWORD))
    (thread_url,) = re.findall(r"^THREAD (\S+)$", output, re.MULTILINE)
    page = new_page()
    log_in(page, username)

    page.goto("/settings/profile/")
    your_data = page.get_by_role("region", name="Your data")
    with page.expect_download() as download_info:
        your_data.get_by_role("link", name="Download my data").click()
    saved = tmp_path / "data.json"
    download_info.value.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["profile"]["username"] == username
    assert [t["title"] for t in data["threads"]] == ["Why does my eSIM stop working abroad?"]

    your_data.get_by_role("link", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Delete my account")).to_be_visible()
    page.get_by_label("Your password").fill("not-my-password")
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()

    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("Your account has been deleted.")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()

    page.goto(thread_url)
    question = page.locator(".byline").first
    expect(question).to_contain_text("Deleted member")
    expect(question.locator("a.byline-name")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Petra Private")
    assert page.request.get(f"/members/{username}/").status == 404

    page.goto("/accounts/login/")
    form = page.get_by_role("main").locator("form", has=page.locator("[name=login]"))
    form.locator("[name=login]").fill(username)
    form.locator("[name=password]").fill(DEMO_PASSWORD)
    form.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("main")).to_contain_text("not correct")
