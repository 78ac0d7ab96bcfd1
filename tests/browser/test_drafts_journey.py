"""Drafts in a real browser: what a member types in the ask form survives a reload, and
posting the question deletes the draft."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.harness import log_in

THREAD_URL = re.compile(r"/threads/\d+/[\w-]+/$")


def test_typing_survives_a_reload_and_posting_deletes_the_draft(
    new_page: Callable[[], Page],
) -> None:
    page = new_page()
    log_in(page, "priya")
    title = f"No data on the train between stations {secrets.token_hex(3)}"
    body = "Since Monday my data drops between every station, 4G and 5G alike."
    page.goto("/ask/")
    form = page.get_by_role("main").locator("form[data-draft-key='ask']")
    form.get_by_label("Title").fill(title)
    form.get_by_label("Details").fill(body)
    expect(form.locator("[data-draft-status]")).to_contain_text("Draft saved")

    page.reload()
    form = page.get_by_role("main").locator("form[data-draft-key='ask']")
    expect(form.get_by_label("Details")).to_have_value(body)
    expect(form.get_by_label("Title")).to_have_value(title)
    expect(form.locator("[data-draft-status]")).to_contain_text("Draft restored")

    form.get_by_label("Board").select_option(label="Network & Coverage")
    form.get_by_role("button", name="Post your question").click()
    expect(page).to_have_url(THREAD_URL)
    assert page.request.get("/api/v1/drafts/ask/").status == 404
    page.goto("/ask/")
    form = page.get_by_role("main").locator("form[data-draft-key='ask']")
    expect(form.get_by_label("Details")).to_have_value("")

    # An answer's draft, discarded by hand.
    page.goto("/boards/network/")
    page.get_by_role("main").locator("a[href^='/threads/']").first.click()
    answer = page.locator("form[data-draft-key^='thread-']")
    answer.get_by_label("Your answer").fill("Try switching 5G off in the settings.")
    expect(answer.locator("[data-draft-status]")).to_contain_text("Draft saved")
    answer.get_by_role("button", name="Discard draft").click()
    expect(answer.get_by_label("Your answer")).to_have_value("")
    page.reload()
    expect(
        page.locator("form[data-draft-key^='thread-']").get_by_label("Your answer")
    ).to_have_value("")
