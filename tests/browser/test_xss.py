"""The XSS corpus through every field members write, rendered in Chromium.

tests/browser/xss_world.py writes the 127 vectors of tests/xss_vectors.py into titles,
bodies, answers, display names, bios, tag names, case messages, flag notes and notifications
in the server's database; every page that shows them is then opened by the role that sees
it. A tripwire replaces alert/confirm/prompt/print before any page script runs, and any
dialog counts too: not one may fire.

The pages are opened with the Content-Security-Policy bypassed: the policy is the second
line of defence, and this test is about the first (escaping and sanitizing) holding alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog

from tests.browser.harness import log_in

TRIPWIRE = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = function (value) { window.__xss.push(name + "(" + String(value) + ")"); };
}
"""


@pytest.fixture
def hostile_pages(manage: Callable[..., str]) -> dict[str, list[str]]:
    output = (
        manage("shell", "-c", "from tests.browser.xss_world import main; main()")
        .strip()
        .splitlines()
    )
    marked = [line for line in output if line.startswith("XSS-PAGES ")]
    assert marked, output[-20:]
    pages: dict[str, list[str]] = json.loads(marked[-1].removeprefix("XSS-PAGES "))
    return pages


@pytest.fixture
def open_context(browser: Browser, live_server_url: str) -> Iterator[Callable[[], BrowserContext]]:
    contexts: list[BrowserContext] = []

    def make() -> BrowserContext:
        context = browser.new_context(base_url=live_server_url, bypass_csp=True, locale="en-GB")
        context.set_default_timeout(10_000)
        context.add_init_script(TRIPWIRE)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def test_no_vector_runs_in_any_field_for_any_role(
    hostile_pages: dict[str, list[str]], open_context: Callable[[], BrowserContext]
) -> None:
    fired: list[str] = []
    visited = shown = 0
    for role in ("anonymous", "chiara", "agnes", "marco"):
        context = open_context()
        page = context.new_page()

        def on_dialog(dialog: Dialog, role: str = role) -> None:
            fired.append(
                f"{role} {dialog.page.url if dialog.page else '?'}: dialog {dialog.message}"
            )
            dialog.dismiss()

        page.on("dialog", on_dialog)
        if role != "anonymous":
            log_in(page, role)
        for path in hostile_pages[role]:
            response = page.goto(path)
            assert response is not None and response.status == 200, (role, path, response)
            # Hover and focus everything once: handlers like onmouseover/onfocus fire then.
            page.evaluate(
                """() => document.querySelectorAll("main *").forEach(el => {
                    el.dispatchEvent(new MouseEvent("mouseover", {bubbles: true}));
                    el.dispatchEvent(new FocusEvent("focus"));
                })"""
            )
            page.wait_for_timeout(50)
            # The vectors are there, shown as text: the page really rendered hostile input.
            if "alert(1)" in page.inner_text("main"):
                shown += 1
            fired.extend(f"{role} {path}: {call}" for call in page.evaluate("window.__xss"))
            visited += 1
    assert visited >= 30
    assert shown >= visited // 2, f"hostile text shown on only {shown} of {visited} pages"
    assert not fired, "\n".join(fired)
