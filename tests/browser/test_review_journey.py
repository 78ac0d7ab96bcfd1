"""A new member's first answer waits for a moderator, then appears live.

nadia joined the demo community today and answered priya's question about roaming in Spain:
priya's page shows no answer, nadia's shows hers marked as waiting. marco approves it with
one click in the review queue, and priya's open page grows the answer without a reload.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.harness import log_in

QUESTION = "Does my plan include roaming in Spain?"
ANSWER = "I was in Madrid last month on the same plan"


def open_question(page: Page) -> str:
    page.goto("/boards/roaming/")
    page.get_by_role("main").get_by_role("link", name=QUESTION).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(QUESTION)
    return page.url


def test_a_held_answer_is_approved_in_one_click_and_appears_live_for_the_asker(
    new_page: Callable[[], Page],
) -> None:
    priya, nadia, marco = new_page(), new_page(), new_page()
    for page, username in ((priya, "priya"), (nadia, "nadia"), (marco, "marco")):
        log_in(page, username)

    url = open_question(priya)
    expect(priya.locator("#answers article.post", has_text=ANSWER)).to_have_count(0)
    expect(priya.locator("article.question[data-live='open']")).to_have_count(1)
    priya.evaluate("window.__mutuaSamePage = true")

    nadia.goto(url)
    own = nadia.locator("#answers article.post", has_text=ANSWER)
    expect(own).to_have_count(1)
    expect(own.locator(".notice-pending")).to_contain_text("Waiting for a moderator's review")

    marco.goto("/moderation/review/")
    item = marco.locator("article.mod-item", has_text=ANSWER)
    item.get_by_role("button", name="Approve").click()
    expect(marco.get_by_role("status")).to_contain_text("Approved")

    arrived = priya.locator("#answers article.post", has_text=ANSWER)
    expect(arrived).to_have_count(1)
    expect(arrived).to_contain_text("Nadia Haddad")
    expect(priya.locator("#answers-heading")).to_have_text("1 answer")
    assert priya.evaluate("window.__mutuaSamePage === true"), "the asker's page was reloaded"
    nadia.reload()
    expect(nadia.locator(".notice-pending")).to_have_count(0)
