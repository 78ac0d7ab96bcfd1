"""The heart of Mutua in a real browser: one member asks, another answers, the asker accepts.

Every person has their own browser context (their own cookies), so what one does reaches the
other only through the server, as it would between two people on two devices.

The demo community (seed_demo) provides the members and the solved eSIM question the ask form
should suggest. The posting limits apply to them too: at most one post per member every five
seconds. Each test therefore casts different members, so the tests can run back to back on
one server without waiting.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from tests.browser.harness import PHONE, assert_fits_the_viewport, log_in

SIMILAR_DEMO_QUESTION = "My eSIM won't activate on a new iPhone"
THREAD_URL = re.compile(r"/threads/\d+/[\w-]+/$")


def remember_this_page(page: Page) -> None:
    # A marker on the window object survives HTMX swaps but not a reload or a navigation:
    # if it is still there later, the page changed in place.
    page.evaluate("window.__mutuaSamePage = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__mutuaSamePage === true"), f"{page.url} was reloaded"


def ask_a_question(page: Page, *, title: str, body: str, bold: str) -> None:
    """From anywhere, through the header's Ask link; checks the suggestions and the preview."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Ask", exact=True).click()
    expect(page).to_have_url(re.compile(r"/ask/$"))
    form = page.get_by_role("main").locator("form")
    form.get_by_label("Board").select_option(label="SIM & eSIM")

    # Typed key by key, as a person does: the suggestions follow the input events (300 ms
    # debounce), so they must show up before the member has even reached the details.
    form.get_by_label("Title").press_sequentially(title, delay=10)
    similar = page.locator("#similar")
    # Relative to the list item it filters, hence not rooted in `similar`.
    suggestion = page.get_by_role("link", name=SIMILAR_DEMO_QUESTION)
    expect(similar.locator(suggestion)).to_be_visible()
    # The demo question is solved, and the hint says so: the best reason to read it first.
    expect(similar.get_by_role("listitem").filter(has=suggestion)).to_contain_text("Solved")

    form.get_by_label("Details").fill(body)
    # The preview is the server's own Markdown rendering, swapped in by HTMX.
    expect(page.locator("#ask-preview strong")).to_have_text(bold)
    # The form at its widest (suggestions and preview open) still fits the window: on a phone
    # this is where a long title or a code block would push the page sideways.
    assert_fits_the_viewport(page)

    form.get_by_role("button", name="Post your question").click()
    expect(page).to_have_url(THREAD_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("article.question .rendered strong")).to_have_text(bold)


def answer(page: Page, text: str, *, answers_now: int) -> Locator:
    """Post an answer on the open thread; it must appear in place, without a reload."""
    remember_this_page(page)
    form = page.locator("#answer-form-wrap form")
    form.get_by_label("Your answer").fill(text)
    form.get_by_role("button", name="Post your answer").click()
    posted = page.locator("#answers article.post", has_text=text)
    expect(posted).to_be_visible()
    assert_not_reloaded(page)
    # The swapped-in answer is the author's own: it shows its count, but offers no kudos.
    expect(kudos_button(posted)).to_have_count(0)
    # The rest of the section follows the swap too (out-of-band): the count is right and the
    # "No answers yet" invitation is gone.
    plural = "answer" if answers_now == 1 else "answers"
    expect(page.locator("#answers-heading")).to_have_text(f"{answers_now} {plural}")
    expect(page.locator("#no-answers")).to_have_count(0)
    # The swap also hands back an empty form, ready for the next answer.
    expect(page.locator("#answer-form-wrap").get_by_label("Your answer")).to_have_value("")
    return posted


def kudos_button(scope: Locator) -> Locator:
    # The button's accessible name is "♥ <count> kudos" (the word is visually hidden).
    return scope.get_by_role("button", name=re.compile(r"kudos$"))


def test_a_member_asks_another_answers_and_the_solution_is_accepted(
    new_page: Callable[[], Page],
) -> None:
    chiara, luca, hannah = new_page(), new_page(), new_page()
    log_in(chiara, "chiara")
    log_in(luca, "luca")
    log_in(hannah, "hannah")

    title = "eSIM not activating after the QR code"
    ask_a_question(
        chiara,
        title=title,
        body="I scanned the QR code twice and the phone still says **No Service**. Ideas?",
        bold="No Service",
    )
    thread_url = chiara.url
    question = chiara.locator("article.question")
    expect(question.locator(".question-status")).to_have_text("Unanswered")
    # Kudos are thanks from others: on her own question chiara sees the count, but no button
    # and no form that would post kudos to herself.
    expect(question.locator(".kudos-own")).to_have_text(re.compile(r"^♥\s*0$"))
    expect(kudos_button(question)).to_have_count(0)
    expect(question.locator("form[action$='/kudos/']")).to_have_count(0)

    # Two answers, so that "the accepted one is shown first" says something: luca's comes
    # first in time, hannah's is the one that solves it.
    luca.goto(thread_url)
    answer(luca, "Have you tried turning it off and on again?", answers_now=1)
    hannah.goto(thread_url)
    expect(hannah.locator("#answers")).to_contain_text("turning it off and on again")
    solution_text = "Toggle Airplane mode, then check Mobile Data Network for the APN."
    answer(hannah, solution_text, answers_now=2)

    chiara.reload()
    hannahs_answer = chiara.locator("#answers article.post", has_text=solution_text)
    expect(hannahs_answer).to_contain_text("Hannah Okafor")
    kudos = kudos_button(hannahs_answer)
    expect(kudos).to_have_attribute("aria-pressed", "false")
    expect(kudos.locator("[data-kudos-count]")).to_have_text("0")
    remember_this_page(chiara)
    kudos.click()
    expect(kudos).to_have_attribute("aria-pressed", "true")
    expect(kudos.locator("[data-kudos-count]")).to_have_text("1")
    assert_not_reloaded(chiara)

    hannahs_answer.get_by_role("button", name="Accept as solution").click()
    expect(chiara.get_by_role("status")).to_contain_text("Marked as the solution")
    expect(question.locator(".question-status")).to_contain_text("Solved")
    answers = chiara.locator("#answers > article.post")
    expect(answers).to_have_count(2)
    expect(answers.first).to_contain_text(solution_text)
    expect(answers.first.locator(".solution-badge")).to_have_text("✓ Accepted solution")
    expect(answers.nth(1)).not_to_contain_text("Accepted solution")
    # The kudos was stored, not only drawn: after the navigation it is still chiara's.
    expect(kudos_button(answers.first)).to_have_attribute("aria-pressed", "true")

    # What chiara did reaches hannah on her next visit.
    hannah.reload()
    expect(hannah.locator("article.question .question-status")).to_contain_text("Solved")
    expect(hannah.locator("#answers > article.post").first).to_contain_text("Accepted solution")


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_on_a_phone_a_member_asks_and_another_answers_without_sideways_scrolling(
    new_page: Callable[[], Page], viewport: ViewportSize
) -> None:
    # priya and sofia, not chiara and hannah: the desktop journey may have just posted as them.
    priya, sofia = new_page(), new_page()
    log_in(priya, "priya")
    log_in(sofia, "sofia")

    # The header must still offer Ask on a narrow screen, and the form fit it.
    priya.goto("/")
    assert_fits_the_viewport(priya)
    title = "eSIM stuck on activating while roaming"
    ask_a_question(
        priya,
        title=title,
        body="Bought a travel eSIM and it is **stuck on activating** since this morning.",
        bold="stuck on activating",
    )
    assert_fits_the_viewport(priya)

    sofia.goto(priya.url)
    assert_fits_the_viewport(sofia)
    answer(
        sofia, "Turn on data roaming for the eSIM line in the mobile data settings.", answers_now=1
    )
    assert_fits_the_viewport(sofia)
