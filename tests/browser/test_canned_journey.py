"""Canned replies in a real browser, on a phone: an agent writes one with placeholders, inserts
it into a case's reply with one click, filled in for that case, sends it, and removes it."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.harness import PHONE, assert_fits_the_viewport, log_in

CASE_URL = re.compile(r"/support/cases/\d+/")


@pytest.mark.parametrize("viewport", [PHONE])
def test_an_agent_inserts_a_canned_reply_filled_in_for_the_case_and_sends_it(page: Page) -> None:
    log_in(page, "agnes")
    title = f"Checking now {secrets.token_hex(3)}"

    page.goto("/support/canned-replies/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Canned replies")
    form = page.locator("form[action='/support/canned-replies/']")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Text").fill("Dear {customr_name}, checking.")
    form.get_by_role("button", name="Save the reply").click()
    expect(page.locator(".has-error")).to_contain_text("Unknown placeholder {customr_name}")
    form = page.locator("form[action='/support/canned-replies/']")
    form.get_by_label("Text").fill("Hi {customer_name}, I'm checking “{thread_title}” now.")
    form.get_by_label("Share with every agent").check()
    form.get_by_role("button", name="Save the reply").click()
    expect(page.get_by_role("status").filter(has_text="The canned reply is saved.")).to_be_visible()
    expect(page.locator(".canned-item", has_text=title)).to_contain_text("Shared")
    assert_fits_the_viewport(page)

    page.goto("/support/?status=all")
    page.locator("#queue-list a.case-row-title").first.click()
    expect(page).to_have_url(CASE_URL)
    customer = page.locator(".case-facts div", has_text="Customer").locator("dd").inner_text()
    question = page.locator("#case-thread").inner_text()
    assert_fits_the_viewport(page)

    message = page.locator("#case-message-form").get_by_label("Message")
    message.fill("")
    page.locator(".canned-insert").get_by_role("button", name=title).click()
    filled = f"Hi {customer}, I'm checking “{question}” now."
    expect(message).to_have_value(filled)
    # The agent types on where the reply was put: the textarea is the page's active element.
    # (Not to_be_focused(), which also wants the browser window focused: on a loaded machine
    # another test's window may hold it.)
    assert message.evaluate("textarea => document.activeElement === textarea")
    # Still on the case page: the click inserted, it did not ask the server.
    expect(page).to_have_url(CASE_URL)
    page.locator("#case-message-form").get_by_role("button", name="Send to the customer").click()
    expect(page.get_by_role("status").filter(has_text="Your message is sent.")).to_be_visible()
    expect(page.locator("#conversation li.from-staff").last).to_contain_text(filled)

    page.goto("/support/canned-replies/")
    page.once("dialog", lambda dialog: Dialog.accept(dialog))
    page.locator(".canned-item", has_text=title).get_by_role("button", name="Remove").click()
    expect(
        page.get_by_role("status").filter(has_text="The canned reply is removed.")
    ).to_be_visible()
    expect(page.locator(".canned-item", has_text=title)).to_have_count(0)
