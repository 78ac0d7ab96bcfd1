"""Announcements in a real browser: a moderator pins one, an open home page and an open thread
show it without a reload, a member dismisses it for good from a thread (and sees the others on
the ask page), and unpinning takes it off open pages. (The pages' accessibility is checked in
test_accessibility.py's walks.)"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.harness import log_in

QUESTION = "My eSIM won't activate on a new iPhone"


def test_a_pinned_announcement_reaches_open_pages_and_a_member_dismisses_it(
    new_page: Callable[[], Page],
) -> None:
    title = f"Mobile data is down in Leeds {secrets.token_hex(3)}"
    visitor = new_page()
    visitor.goto("/")
    expect(visitor.locator("body[data-announcements-socket='open']")).to_have_count(1)
    banner = visitor.locator("#announcements")
    expect(banner).to_contain_text("Planned network maintenance")  # the demo's notice
    reader = new_page()
    reader.goto("/boards/sim-esim/")
    reader.get_by_role("link", name=QUESTION).first.click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(QUESTION)
    thread_url = reader.url
    expect(reader.locator("body[data-announcements-socket='open']")).to_have_count(1)
    expect(reader.locator("#announcements")).to_contain_text("Planned network maintenance")

    staff = new_page()
    log_in(staff, "marco")
    staff.get_by_role("banner").locator("details.menu summary").click()
    staff.get_by_role("menuitem", name="Announcements").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Announcements")
    form = staff.get_by_role("main").locator("form").first
    form.get_by_label("Title").fill(title)
    form.get_by_label("Announcement").fill("Engineers are on site. **No need** to restart.")
    form.get_by_role("button", name="Pin the announcement").click()
    expect(staff.get_by_role("main")).to_contain_text("The announcement is pinned.")

    # The visitor's open page shows it without a reload, rendered.
    expect(banner).to_contain_text(title)
    expect(banner.locator("strong", has_text="No need")).to_have_count(1)
    expect(reader.locator("#announcements")).to_contain_text(title)

    member = new_page()
    log_in(member, "chiara")
    member.goto("/ask/")
    expect(member.locator(".announcement", has_text=title)).to_have_count(1)
    member.goto(thread_url)
    item = member.locator(".announcement", has_text=title)
    expect(item).to_have_count(1)
    item.get_by_role("button", name="Dismiss").click()
    expect(item).to_have_count(0)
    for url in (thread_url, "/ask/", "/"):
        member.goto(url)
        expect(member.locator("#announcements")).to_contain_text("Planned network maintenance")
        expect(member.locator(".announcement", has_text=title)).to_have_count(0)

    # Its own page, then staff unpin it: open pages lose it.
    visitor.locator("#announcements").get_by_role("link", name=title).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    visitor.go_back()
    expect(visitor.locator("body[data-announcements-socket='open']")).to_have_count(1)
    row = staff.locator("[data-announcement]", has_text=title)
    row.get_by_role("button", name="Unpin").click()
    expect(staff.get_by_role("main")).to_contain_text("The announcement is unpinned.")
    expect(visitor.locator(".announcement", has_text=title)).to_have_count(0)
    expect(reader.locator(".announcement", has_text=title)).to_have_count(0)


def test_the_ask_page_banner_follows_the_board_chosen(new_page: Callable[[], Page]) -> None:
    """A member about to ask picks the board their question is for: its announcements show at
    once (an outage's notice before the question about it is written), without a reload."""
    title = f"eSIM activations are delayed {secrets.token_hex(3)}"
    staff = new_page()
    log_in(staff, "marco")
    staff.goto("/announcements/manage/")
    form = staff.get_by_role("main").locator("form").first
    form.get_by_label("Title").fill(title)
    form.get_by_label("Announcement").fill("New eSIMs take up to an hour to activate today.")
    form.get_by_label("Where").select_option(label="SIM & eSIM")
    form.get_by_role("button", name="Pin the announcement").click()
    expect(staff.get_by_role("main")).to_contain_text("The announcement is pinned.")

    member = new_page()
    log_in(member, "chiara")
    member.goto("/ask/")
    member.evaluate("window.__mutuaSamePage = true")
    expect(member.locator("#announcements")).to_contain_text("Planned network maintenance")
    expect(member.locator(".announcement", has_text=title)).to_have_count(0)
    board = member.get_by_role("main").get_by_label("Board")
    board.select_option(label="SIM & eSIM")
    expect(member.locator(".announcement", has_text=title)).to_have_count(1)
    board.select_option(label="Roaming & Travel")
    expect(member.locator(".announcement", has_text=title)).to_have_count(0)
    expect(member.locator("#announcements")).to_contain_text("Planned network maintenance")
    assert member.evaluate("window.__mutuaSamePage === true")

    # Not left for the other journeys' pages of that board.
    staff.goto("/announcements/manage/")
    staff.locator("[data-announcement]", has_text=title).get_by_role("button", name="Unpin").click()
    expect(staff.get_by_role("main")).to_contain_text("The announcement is unpinned.")
