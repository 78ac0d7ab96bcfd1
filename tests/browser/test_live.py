"""Live pages: what one member does shows up on the others' open pages without a reload.

chiara has her demo question open; hannah answers it from her own browser. chiara's page
grows the answer, its heading counts it, her bell rises and a toast tells her, and an
anonymous visitor's page on the same thread grows the answer too. Then chiara thanks hannah
with kudos on the answer that arrived live, and hannah's page shows the new count; chiara
accepts it, withdraws it and accepts it again, and the visitor's page follows each change.

Only hannah posts here (and chiara's kudos is no post): the posting limits then leave the
other journeys, which also cast chiara and hannah, free to run right after this one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.harness import log_in

DEMO_QUESTION = "How do I turn on Wi-Fi calling on Android?"
ANSWER = "Also check that the Pixel's carrier settings are up to date, then restart."


def open_demo_question(page: Page) -> str:
    page.goto("/search/?q=wi-fi+calling+android")
    page.get_by_role("main").get_by_role("link", name=DEMO_QUESTION).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO_QUESTION)
    return page.url


def listening(page: Page, *, member: bool) -> None:
    """Wait until the page's sockets are open (live.js marks them), then mark the page: a
    marker on window survives in-place updates, not a reload."""
    expect(page.locator("article.question[data-live='open']")).to_have_count(1)
    if member:
        expect(page.locator("body[data-live-notifications='open']")).to_have_count(1)
    page.evaluate("window.__mutuaSamePage = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__mutuaSamePage === true"), f"{page.url} was reloaded"


def unread(page: Page) -> int:
    badge = page.get_by_role("banner").locator("[data-unread-count]")
    return int(badge.inner_text() or "0") if badge.is_visible() else 0


def test_an_answer_appears_live_for_the_asker_and_an_anonymous_visitor(
    new_page: Callable[[], Page],
) -> None:
    chiara, hannah, visitor = new_page(), new_page(), new_page()
    log_in(chiara, "chiara")
    log_in(hannah, "hannah")

    thread_url = open_demo_question(chiara)
    visitor.goto(thread_url)
    heading = chiara.locator("#answers-heading")
    answers_before = int(re.sub(r"\D", "", heading.inner_text()))
    listening(chiara, member=True)
    listening(visitor, member=False)
    bell_before = unread(chiara)

    hannah.goto(thread_url)
    form = hannah.locator("#answer-form-wrap form")
    form.get_by_label("Your answer").fill(ANSWER)
    form.get_by_role("button", name="Post your answer").click()
    expect(hannah.locator("#answers article.post", has_text=ANSWER)).to_have_count(1)

    now = answers_before + 1
    for page in (chiara, visitor):
        arrived = page.locator("#answers article.post", has_text=ANSWER)
        expect(arrived).to_have_count(1)
        expect(arrived).to_contain_text("Hannah Okafor")
        expect(page.locator("#answers-heading")).to_have_text(f"{now} answers")
        assert_not_reloaded(page)

    bell = chiara.get_by_role("banner").locator("[data-unread-count]")
    expect(bell).to_be_visible()
    expect(bell).to_have_text(str(bell_before + 1))
    expect(chiara.locator("#live-toasts")).to_have_attribute("role", "status")
    toast = chiara.locator("#live-toasts a", has_text="answered your question")
    expect(toast).to_contain_text("Hannah Okafor")
    expect(toast).to_contain_text(DEMO_QUESTION)
    assert_not_reloaded(chiara)

    # The answer that arrived live works like any other: its kudos button posts through
    # HTMX, and hannah, who has the thread open, sees her answer's count rise.
    listening(hannah, member=True)
    live_answer = chiara.locator("#answers article.post", has_text=ANSWER)
    kudos = live_answer.get_by_role("button", name=re.compile(r"kudos$"))
    kudos.click()
    expect(kudos).to_have_attribute("aria-pressed", "true")
    hannahs = hannah.locator("#answers article.post", has_text=ANSWER)
    expect(hannahs.locator("[data-kudos-count]")).to_have_text("1")
    expect(visitor.locator("#answers article.post", has_text=ANSWER)).to_contain_text("♥ 1")
    assert_not_reloaded(hannah)
    assert_not_reloaded(chiara)

    # chiara accepts the new answer (her page reloads: a plain form). The visitor's page
    # follows in place: the answer moves to the top with its badge, the question is solved.
    live_answer.get_by_role("button", name="Accept as solution").click()
    expect(chiara.locator("#answers > article.post").first).to_contain_text(ANSWER)
    first = visitor.locator("#answers > article.post").first
    expect(first).to_contain_text(ANSWER)
    expect(first.locator(".solution-badge")).to_have_text("✓ Accepted solution")
    expect(visitor.locator("#answers .solution-badge")).to_have_count(1)
    expect(visitor.locator("#question-status .status-solved")).to_have_text("✓ Solved")
    assert_not_reloaded(visitor)

    # She withdraws it: the answer loses its badge and goes back to its place (the newest,
    # last), and the question is open again; then she accepts it once more.
    chiara.locator("#answers > article.post").first.get_by_role(
        "button", name="Unmark solution"
    ).click()
    expect(chiara.locator("#answers .solution-badge")).to_have_count(0)
    expect(visitor.locator("#answers .solution-badge")).to_have_count(0)
    expect(visitor.locator("#answers > article.post").last).to_contain_text(ANSWER)
    expect(visitor.locator("#question-status .status-solved")).to_have_count(0)
    assert_not_reloaded(visitor)

    chiara.locator("#answers article.post", has_text=ANSWER).get_by_role(
        "button", name="Accept as solution"
    ).click()
    expect(visitor.locator("#answers > article.post").first).to_contain_text(ANSWER)
    expect(visitor.locator("#question-status .status-solved")).to_have_count(1)
    assert_not_reloaded(visitor)
