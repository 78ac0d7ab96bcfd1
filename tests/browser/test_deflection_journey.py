"""Answers before asking and asking the experts, in a real browser on a phone: a member
typing a question reads a similar question's solution, clicks "This solved it" and says it
was enough; a helper opens the questions offered to them and says they are away."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import PHONE, assert_fits_the_viewport, log_in


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_member_finds_the_answer_while_typing_and_asks_nothing(page: Page) -> None:
    log_in(page, "chiara")
    solved = page.request.get("/api/v1/threads/?status=solved").json()["results"][0]

    page.goto("/ask/")
    page.get_by_label("Title").fill(solved["title"])
    solution = page.locator(f"[data-similar-solution='{solved['id']}']")
    expect(solution).to_be_visible()
    if not solution.evaluate("el => el.open"):
        solution.locator("summary").click()
    expect(solution.locator(".rendered")).not_to_be_empty()
    assert_fits_the_viewport(page)

    solution.get_by_role("button", name="This solved it").click()
    expect(solution.get_by_role("status")).to_contain_text("No need to ask")
    solution.get_by_role("button", name="Yes").click()
    expect(solution.get_by_role("status")).to_contain_text("Thanks for telling us.")
    expect(page).to_have_url("/ask/")  # no question was posted
    assert_fits_the_viewport(page)


@pytest.mark.parametrize("viewport", [PHONE])
def test_a_helper_sees_the_questions_offered_and_pauses_while_away(page: Page) -> None:
    log_in(page, "hannah")

    page.goto("/support/expert-requests/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions for you")
    expect(page.get_by_label("Ask me about unanswered questions")).to_be_checked()
    page.get_by_label("I'm away: don't ask me for now").check()
    page.get_by_role("button", name="Save helper settings").click()
    expect(page.get_by_role("status").filter(has_text="helper settings are saved")).to_be_visible()
    expect(page.get_by_label("I'm away: don't ask me for now")).to_be_checked()
    assert_fits_the_viewport(page)
    page.get_by_label("I'm away: don't ask me for now").uncheck()
    page.get_by_role("button", name="Save helper settings").click()
    expect(page.get_by_label("I'm away: don't ask me for now")).not_to_be_checked()
