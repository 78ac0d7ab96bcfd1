"""An edited question shows on the pages that have it open, without a reload.

A visitor and hannah are reading priya's demo question about a cruise; priya edits it from her
own browser (an update at the top of the title, a line added to the details, a new tag).
Their pages swap in the new title (the window's too), the new details and the tag, and stay
the same page.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.harness import log_in
from tests.browser.test_live import assert_not_reloaded, listening

QUESTION = "Using my phone on a cruise ship"


def test_an_edit_to_the_question_shows_live_to_its_readers(
    new_page: Callable[[], Page],
) -> None:
    priya, hannah, visitor = new_page(), new_page(), new_page()
    log_in(priya, "priya")
    log_in(hannah, "hannah")
    priya.goto("/boards/roaming/")
    priya.get_by_role("link", name=QUESTION).first.click()
    expect(priya.get_by_role("heading", level=1)).to_contain_text(QUESTION)
    thread_url = priya.url
    for reader, member in ((hannah, True), (visitor, False)):
        reader.goto(thread_url)
        listening(reader, member=member)

    update = f"Update {secrets.token_hex(2)}: the ship's own network charged me, port was free."
    priya.get_by_role("link", name="Edit").first.click()
    title = priya.get_by_label("Title")
    new_title = f"{title.input_value()} (answered)"
    title.fill(new_title)
    details = priya.get_by_label("Details")
    details.fill(f"{details.input_value()}\n\n{update}")
    priya.get_by_role("button", name="Save changes").click()
    expect(priya.get_by_role("heading", level=1)).to_have_text(new_title)

    for reader in (hannah, visitor):
        expect(reader.get_by_role("heading", level=1)).to_have_text(new_title)
        expect(reader.locator("#question-body")).to_contain_text(update)
        expect(reader).to_have_title(re.compile(re.escape(new_title)))
        assert_not_reloaded(reader)
