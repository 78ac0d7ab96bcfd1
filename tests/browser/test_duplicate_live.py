"""Closing a question as a duplicate shows on the pages that have it open, without a reload.

hannah and an anonymous visitor are reading the demo's repeated eSIM question, open for
answers; the moderator marco closes it as a duplicate of the original from his own browser.
Their pages grow the notice pointing to the original, the "Duplicate" status, and the answer
form gives way to the closed state; when marco reopens it, the notice goes and hannah can
answer again.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.harness import log_in
from tests.browser.test_live import assert_not_reloaded, listening

DUPLICATE = "New iPhone eSIM stuck on No Service after scanning the QR code"
ORIGINAL = "My eSIM won't activate on a new iPhone"


def reopen(page: Page) -> None:
    page.locator("#duplicate-notice").get_by_role("button", name="Reopen the question").click()
    expect(
        page.get_by_role("status").filter(has_text="The question is open again.")
    ).to_be_visible()


def test_closing_as_duplicate_and_reopening_show_live_to_readers(
    new_page: Callable[[], Page],
) -> None:
    marco, hannah, visitor = new_page(), new_page(), new_page()
    log_in(marco, "marco")
    log_in(hannah, "hannah")

    marco.goto("/boards/sim-esim/")
    marco.get_by_role("link", name=DUPLICATE).first.click()
    expect(marco.get_by_role("heading", level=1)).to_have_text(DUPLICATE)
    thread_url = marco.url
    if marco.locator("#duplicate-notice").count():  # the demo ships it closed
        reopen(marco)

    for reader in (hannah, visitor):
        reader.goto(thread_url)
        expect(reader.locator("#duplicate-notice")).to_have_count(0)
    expect(hannah.locator("#answer-form-wrap form")).to_be_visible()
    listening(hannah, member=True)
    listening(visitor, member=False)

    marco.get_by_role("link", name="Close as duplicate").click()
    marco.get_by_label(ORIGINAL).check()
    marco.get_by_role("main").get_by_role("button", name="Close as duplicate").click()
    expect(marco.get_by_role("status").filter(has_text="Closed as a duplicate")).to_be_visible()

    for reader in (hannah, visitor):
        notice = reader.locator("#duplicate-notice")
        expect(notice).to_contain_text("This question is a duplicate of")
        expect(notice.get_by_role("link", name=ORIGINAL)).to_be_visible()
        expect(reader.locator("#question-status")).to_contain_text("Duplicate")
        expect(reader.locator("#answer-form-wrap")).to_contain_text("answers go to the original")
        assert_not_reloaded(reader)
    expect(hannah.locator("#answer-form-wrap form")).to_have_count(0)

    reopen(marco)

    for reader in (hannah, visitor):
        expect(reader.locator("#duplicate-notice")).to_have_count(0)
        expect(reader.locator("#question-status")).not_to_contain_text("Duplicate")
        assert_not_reloaded(reader)
    expect(hannah.locator("#answer-form-wrap form")).to_be_visible()
    expect(hannah.get_by_role("button", name="Post your answer")).to_be_visible()
    expect(visitor.locator("#answer-form-wrap")).to_contain_text("to answer this question")
