"""Closing a question as a duplicate in a real browser, on a phone: the demo's repeated eSIM
question points readers to the original; the moderator reopens it, then closes it again by
picking the original among the similar questions."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import PHONE, assert_fits_the_viewport, log_in

DUPLICATE = "New iPhone eSIM stuck on No Service after scanning the QR code"
ORIGINAL = "My eSIM won't activate on a new iPhone"


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_moderator_reopens_a_duplicate_and_closes_it_again_from_similar_questions(
    page: Page,
) -> None:
    log_in(page, "marco")
    page.goto("/boards/sim-esim/")
    page.get_by_role("link", name=DUPLICATE).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DUPLICATE)
    thread_url = page.url

    notice = page.locator("#duplicate-notice")
    expect(notice).to_contain_text("This question is a duplicate of")
    expect(notice.get_by_role("link", name=ORIGINAL)).to_be_visible()
    expect(page.locator("#answer-form-wrap")).to_contain_text("answers go to the original")
    assert_fits_the_viewport(page)

    notice.get_by_role("button", name="Reopen the question").click()
    expect(
        page.get_by_role("status").filter(has_text="The question is open again.")
    ).to_be_visible()
    expect(page.locator("#duplicate-notice")).to_have_count(0)

    page.get_by_role("link", name="Close as duplicate").click()
    expect(page).to_have_url(re.compile(r"/threads/\d+/duplicate/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Close as duplicate")
    assert_fits_the_viewport(page)
    page.get_by_label(ORIGINAL).check()
    page.get_by_role("main").get_by_role("button", name="Close as duplicate").click()

    expect(page).to_have_url(thread_url)
    expect(page.get_by_role("status").filter(has_text="Closed as a duplicate")).to_be_visible()
    original = page.locator("#duplicate-notice").get_by_role("link", name=ORIGINAL)
    original.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ORIGINAL)
