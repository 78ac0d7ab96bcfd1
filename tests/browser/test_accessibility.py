"""Every page of the journeys, as each kind of person meets it, on a 375 px phone.

One signed-in browser context per role, one load per page: the page must fit the window
(`document.scrollingElement.scrollWidth <= 375`) and axe-core must find nothing serious or
critical on it. Pages whose address depends on the demo data (a thread, a case, a badge) are
found through the links a person would follow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Dialog, FilePayload, Page, expect

from tests.browser.accessibility import PHONE_WIDTH, Findings, first_href
from tests.browser.conftest import ACTION_TIMEOUT_MS
from tests.browser.harness import log_in

THREAD = r"^/threads/\d+/[\w-]+/$"
# Pages everybody reaches, signed in or not.
PUBLIC = [
    "/",
    "/boards/",
    "/boards/billing/",
    "/unanswered/",
    "/tags/esim/",
    "/search/?q=esim",
    "/members/hannah/",
    "/leaderboard/",
    "/badges/",
    "/ranks/",
]


def walk_anonymous(page: Page, visit: Callable[[str], None]) -> None:
    for path in PUBLIC:
        visit(path)
    visit("/boards/sim-esim/")
    thread = first_href(page, "main", THREAD)
    visit(thread)
    visit("/threads/{}/revisions/".format(thread.split("/")[2]))
    visit("/badges/")
    visit(first_href(page, "main", r"^/badges/[\w-]+/$"))
    visit("/known-issues/")
    visit(first_href(page, "main", r"^/known-issues/\d+/[\w-]+/$"))
    for path in (
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
    ):
        visit(path)


def walk_customer(page: Page, visit: Callable[[str], None]) -> None:
    for path in (
        "/",
        "/ask/",
        "/settings/profile/",
        "/notifications/",
        "/settings/notifications/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/members/priya/points/",
        "/bookmarks/",
        "/following/",
    ):
        visit(path)
    visit("/members/priya/")
    visit(first_href(page, "main", THREAD))
    visit("/support/cases/")
    visit(first_href(page, "main", r"^/support/cases/\d+/$"))


def walk_helper(page: Page, visit: Callable[[str], None]) -> None:
    for path in (
        "/",
        "/members/hannah/",
        "/members/hannah/points/",
        "/leaderboard/",
        "/notifications/",
        "/rewards/",
        "/support/expert-requests/",
    ):
        visit(path)
    visit("/unanswered/")
    visit(first_href(page, "main", THREAD))


def walk_agent(page: Page, visit: Callable[[str], None]) -> None:
    visit("/support/")
    visit(first_href(page, "main", r"^/support/cases/\d+/$"))
    visit("/support/canned-replies/")
    visit(first_href(page, "main", r"^/support/canned-replies/\d+/edit/$"))
    visit("/support/dashboard/")
    visit("/support/dashboard/?days=7")
    visit("/known-issues/new/")
    visit("/known-issues/")
    visit(first_href(page, "main", r"^/known-issues/\d+/[\w-]+/$"))
    visit("/boards/network/")
    visit(first_href(page, "main", THREAD))


def walk_newcomer(page: Page, visit: Callable[[str], None]) -> None:
    """nadia, who joined today: her first answer waits for review, marked as such."""
    visit("/members/nadia/?tab=answers")
    visit(first_href(page, "main", r"^/posts/\d+/$"))


def walk_moderator(page: Page, visit: Callable[[str], None]) -> None:
    visit("/moderation/")
    visit("/moderation/review/")
    visit("/moderation/log/")
    visit("/moderation/members/tom/")
    visit("/support/dashboard/")
    visit("/boards/billing/")
    thread = first_href(page, "main", THREAD)
    visit(thread)
    thread_id = thread.split("/")[2]
    visit(f"/moderation/threads/{thread_id}/")
    visit(f"/threads/{thread_id}/duplicate/")
    visit("/announcements/manage/")
    visit(first_href(page, "main", r"^/announcements/\d+/$"))
    visit(first_href(page, "main", r"^/announcements/\d+/edit/$"))


WALKS: dict[str, tuple[str | None, Callable[[Page, Callable[[str], None]], None]]] = {
    "anonymous": (None, walk_anonymous),
    "customer": ("priya", walk_customer),
    "helper": ("hannah", walk_helper),
    "agent": ("agnes", walk_agent),
    "moderator": ("marco", walk_moderator),
    "newcomer": ("nadia", walk_newcomer),
}


def escalate_a_question(page: Page) -> None:
    """priya hands her newest question to the staff, so the customer's and the agent's case
    pages have a case to show (the demo community has none)."""
    log_in(page, "priya")
    page.goto("/members/priya/")
    page.goto(first_href(page, "main", THREAD))
    section = page.locator("#ask-an-agent")
    if section.get_by_role("link", name="See your case").count() == 0:
        section.locator("summary").click()
        section.get_by_label("What should the agent know?").fill("Still stuck, sorry.")
        section.get_by_role("button", name="Ask an agent").click()
        expect(page).to_have_url(re.compile(r"/support/cases/\d+/$"))


@pytest.fixture(scope="module")
def a_case(browser: Browser, live_server_url: str) -> None:
    context = browser.new_context(base_url=live_server_url, locale="en-GB")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    escalate_a_question(context.new_page())
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server_url: str) -> Iterator[Page]:
    """A 375 px touch phone, signed out. The Content-Security-Policy is bypassed only so the
    test can inject axe-core (tests/browser/test_csp.py holds the pages to the policy)."""
    context = browser.new_context(
        base_url=live_server_url,
        viewport={"width": PHONE_WIDTH, "height": 812},
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        bypass_csp=True,
    )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def run_walk(page: Page, role: str) -> Findings:
    username, walk = WALKS[role]
    findings = Findings()
    if username is not None:
        log_in(page, username)

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response is not None
        if response.status != 200:
            findings.problems.append(f"{page.url} answered {response.status}")
        findings.check(page)

    walk(page, visit)
    return findings


@pytest.mark.parametrize("role", list(WALKS))
@pytest.mark.usefixtures("a_case")
def test_every_page_is_accessible_and_fits_a_phone(phone_page: Page, role: str) -> None:
    findings = run_walk(phone_page, role)
    assert not findings.problems, findings.report(role)


def test_an_upload_error_shows_next_to_the_field_not_in_a_dialog(page: Page) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    log_in(page, "hannah")  # images unlock at the Member rank
    page.goto("/ask/")
    form = page.get_by_role("main").locator("form[data-draft-key=ask]")
    upload = form.locator("input[type=file][data-upload-to]")
    # Focusable (a keyboard can reach it), though the label is what shows.
    expect(upload).not_to_have_attribute("hidden", "")

    not_an_image: FilePayload = {
        "name": "notes.png",
        "mimeType": "image/png",
        "buffer": b"not an image",
    }
    upload.set_input_files(files=not_an_image)

    error = form.locator(".upload-error")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("role", "alert")
    expect(error).not_to_be_empty()
    assert dialogs == []
