"""Known issues in a real browser, on a phone: staff open one, a member typing a matching
question on the ask page says "I have this too" in one click and asks anyway (the question is
linked to the issue), and when staff resolve it the member's open question shows the
resolution without a reload."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import PHONE, assert_fits_the_viewport, log_in

ISSUE = "Voicemail greeting lost after the phone update"
QUESTION = "My voicemail greeting was lost after the update"


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_member_has_it_too_and_sees_it_resolved_live(new_page: Callable[[], Page]) -> None:
    staff = new_page()
    log_in(staff, "agnes")
    staff.goto("/known-issues/new/")
    staff.get_by_label("Title").fill(ISSUE)
    staff.get_by_label("Public description").fill(
        "Callers hear the default greeting. Record yours again once fixed."
    )
    staff.get_by_label("Phones & Devices").check()
    staff.get_by_role("button", name="Open the known issue").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(ISSUE)
    assert_fits_the_viewport(staff)

    member = new_page()
    log_in(member, "priya")
    member.goto("/ask/")
    member.get_by_label("Board").select_option("phones")
    member.get_by_label("Title").fill(QUESTION)
    matches = member.locator("#known-issue-matches")
    expect(matches).to_contain_text("Is it this known issue?")
    expect(matches.get_by_role("link", name=ISSUE)).to_be_visible()
    matches.get_by_role("button", name="I have this too").click()
    expect(matches.get_by_role("button", name="You have this too")).to_be_visible()
    expect(matches).to_contain_text("1 member has this")
    assert_fits_the_viewport(member)

    # Asked anyway: the question is linked to the issue and its page says so.
    member.get_by_label("Details").fill(
        "Since last night's update callers hear the default greeting, not mine."
    )
    sockets: list[str] = []
    member.on("websocket", lambda socket: sockets.append(socket.url))
    member.get_by_role("button", name="Post your question").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(QUESTION)
    banner = member.locator("[data-live-known-issues]")
    expect(banner).to_contain_text("This question is about a known issue")
    expect(banner.get_by_role("button", name="You have this too")).to_be_visible()
    expect(member.locator("body[data-announcements-socket='open']")).to_have_count(1)
    # The banner's announcements and the known issue share one socket.
    assert sum(url.endswith("/ws/announcements/") for url in sockets) == 1, sockets

    # Staff post an update, then resolve it: the open question follows without a reload.
    staff.get_by_text("Post an update").click()
    staff.get_by_role("textbox", name="Update").fill("A fix is rolling out tonight.")
    staff.get_by_role("button", name="Post the update").click()
    expect(banner).to_contain_text("A fix is rolling out tonight.")
    staff.get_by_text("Edit, change the status or resolve").click()
    staff.get_by_label("Status").select_option("resolved")
    staff.get_by_role("button", name="Save").click()
    expect(banner).to_contain_text("This was a known issue, now resolved")
    expect(banner.get_by_role("button", name="You have this too")).to_have_count(0)
    assert_fits_the_viewport(member)
