"""The heart of Mutua with the keyboard alone: no click, no tap, no hover.

sofia signs in, asks a question, luca signs in and answers it, sofia gives his answer kudos
and accepts it as the solution. Every step moves the focus with Tab (Shift+Tab where going
back is shorter) and acts with Enter, Space or typing, as someone who cannot use a mouse
would; the test fails if a control cannot be reached that way.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from tests.browser.harness import DEMO_PASSWORD

THREAD_URL = re.compile(r"/threads/\d+/[\w-]+/$")
# Enough for the longest page on the way (the header, the question, a few answers).
MAX_TABS = 120


def tab_to(page: Page, target: Locator, *, backwards: bool = False) -> None:
    """Presses Tab until `target` has the focus; fails if it never gets it."""
    target.wait_for()
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{target} never got the keyboard focus on {page.url}")


def type_into(page: Page, field: Locator, text: str) -> None:
    tab_to(page, field)
    page.keyboard.type(text)


def log_in_with_the_keyboard(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    form = page.get_by_role("main").locator("form", has=page.locator("[name=login]"))
    type_into(page, form.locator("[name=login]"), username)
    type_into(page, form.locator("[name=password]"), DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("banner").locator("details.menu")).to_contain_text(f"@{username}")


def test_ask_answer_kudos_and_accept_with_the_keyboard_alone(
    new_page: Callable[[], Page],
) -> None:
    sofia, luca = new_page(), new_page()
    log_in_with_the_keyboard(sofia, "sofia")
    log_in_with_the_keyboard(luca, "luca")

    # sofia asks, starting from the header's Ask link.
    title = f"Keyboard only: my voicemail PIN is refused {secrets.token_hex(3)}"
    tab_to(sofia, sofia.get_by_role("navigation", name="Main").get_by_role("link", name="Ask"))
    sofia.keyboard.press("Enter")
    expect(sofia).to_have_url(re.compile(r"/ask/$"))
    form = sofia.get_by_role("main").locator("form[data-draft-key=ask]")
    board = form.get_by_label("Board")
    tab_to(sofia, board)
    # A focused <select> takes the first letters of an option, as it does for a person.
    sofia.keyboard.type("SIM")
    expect(board.locator("option:checked")).to_have_text("SIM & eSIM")
    type_into(sofia, form.get_by_label("Title"), title)
    type_into(sofia, form.get_by_label("Details"), "It says the PIN is wrong after a reset.")
    tab_to(sofia, form.get_by_role("button", name="Post your question"))
    sofia.keyboard.press("Enter")
    expect(sofia).to_have_url(THREAD_URL)
    expect(sofia.get_by_role("heading", level=1)).to_have_text(title)
    thread_url = sofia.url

    # luca answers.
    luca.goto(thread_url)
    answer_form = luca.locator("#answer-form-wrap form")
    answer_text = "Reset the PIN from the app's voicemail settings, then call 121."
    type_into(luca, answer_form.get_by_label("Your answer"), answer_text)
    tab_to(luca, answer_form.get_by_role("button", name="Post your answer"))
    luca.keyboard.press("Enter")
    expect(luca.locator("#answers article.post", has_text=answer_text)).to_be_visible()

    # sofia gives kudos (Space on the button), then accepts the answer (Enter).
    sofia.goto(thread_url)
    answer = sofia.locator("#answers article.post", has_text=answer_text)
    kudos = answer.get_by_role("button", name=re.compile(r"kudos$"))
    tab_to(sofia, kudos)
    sofia.keyboard.press("Space")
    expect(answer.get_by_role("button", name=re.compile(r"kudos$"))).to_have_attribute(
        "aria-pressed", "true"
    )
    accept = answer.get_by_role("button", name="Accept as solution")
    tab_to(sofia, accept)
    sofia.keyboard.press("Enter")
    expect(sofia.get_by_role("status")).to_contain_text("Marked as the solution")
    expect(sofia.locator("#answers article.post.is-solution")).to_contain_text(answer_text)
