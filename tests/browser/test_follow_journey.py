"""Keeping an eye on things, in a real browser on a phone: bookmarking a question and
finding it again under the member's menu; following a board and unfollowing it from the
Following page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.harness import PHONE, assert_fits_the_viewport, log_in

QUESTION = "Charged twice for the same top-up"


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_member_bookmarks_a_question_and_finds_it_in_her_bookmarks(
    page: Page, viewport: ViewportSize
) -> None:
    log_in(page, "tom")
    page.goto("/search/?q=charged+twice")
    page.get_by_role("link", name=QUESTION).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)
    page.evaluate("window.__mutuaSamePage = true")

    toggle = page.locator("article.question").get_by_role("button", name="Bookmark")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    # Swapped in place by HTMX: pressed now, and the page was not reloaded.
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__mutuaSamePage === true")
    assert_fits_the_viewport(page)

    page.get_by_label("Your account").click()
    page.get_by_role("menuitem", name="Bookmarks").click()
    expect(page).to_have_url(re.compile(r"/bookmarks/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bookmarks")
    row = page.locator("li.thread-row", has_text=QUESTION)
    expect(row).to_be_visible()
    assert_fits_the_viewport(page)

    # Removing it from the list keeps the row until the next visit, so a slip can be undone.
    row.get_by_role("button", name="Bookmark").click()
    expect(row.get_by_role("button", name="Bookmark")).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(page.locator("li.thread-row", has_text=QUESTION)).to_have_count(0)


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_a_member_follows_a_board_and_unfollows_it_from_her_following_page(
    page: Page, viewport: ViewportSize
) -> None:
    log_in(page, "tom")
    page.goto("/boards/phones/")
    follow = page.get_by_role("main").get_by_role("button", name="Follow")
    expect(follow).to_have_attribute("aria-pressed", "false")
    follow.click()
    expect(follow).to_have_attribute("aria-pressed", "true")
    assert_fits_the_viewport(page)

    page.get_by_label("Your account").click()
    page.get_by_role("menuitem", name="Following").click()
    expect(page).to_have_url(re.compile(r"/following/$"))
    row = page.locator("li.follow-row", has_text="Phones & Devices")
    expect(row).to_be_visible()
    assert_fits_the_viewport(page)

    row.get_by_role("button", name="Follow").click()
    expect(row.get_by_role("button", name="Follow")).to_have_attribute("aria-pressed", "false")
    page.goto("/boards/phones/")
    expect(page.get_by_role("main").get_by_role("button", name="Follow")).to_have_attribute(
        "aria-pressed", "false"
    )
