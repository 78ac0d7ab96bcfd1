"""Helpers for the browser tests: viewports, the mail outbox, demo logins, layout checks."""

from __future__ import annotations

import email
import email.policy
import re
import time
from email.message import EmailMessage
from pathlib import Path

from playwright.sync_api import Page, ViewportSize, expect

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 375, "height": 812}
# Below this width the context also emulates a touch phone (meta viewport honoured, touch).
PHONE_MAX_WIDTH = 600

# Every member `manage.py seed_demo` creates (chiara, priya, tom, luca, sofia, hannah, agnes,
# marco, admin) has this password and a verified address. Kept here rather than imported from
# community.demo: the tests talk to the product only through its pages.
DEMO_PASSWORD = "mutua-demo"


# Django's file-based backend appends each message to one file per connection, followed by
# a line of 79 dashes.
MESSAGE_SEPARATOR = re.compile(rb"^-{79}\r?$\n?", re.MULTILINE)
URL_PATTERN = re.compile(r"https?://[^\s<>\"']+")


class MailOutbox:
    """What the server "sent": the messages in its EMAIL_FILE_PATH folder.

    The folder is shared by every test in the session, so look messages up by recipient and
    give each test its own addresses.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def messages(self) -> list[EmailMessage]:
        if not self.path.is_dir():
            return []
        found = []
        for log in sorted(self.path.glob("*.log"), key=lambda file: file.stat().st_mtime_ns):
            for chunk in MESSAGE_SEPARATOR.split(log.read_bytes()):
                if chunk.strip():
                    message = email.message_from_bytes(chunk, policy=email.policy.default)
                    assert isinstance(message, EmailMessage)
                    found.append(message)
        return found

    def messages_to(self, address: str) -> list[EmailMessage]:
        wanted = address.lower()
        return [
            message
            for message in self.messages()
            if any(wanted == sent_to.lower() for sent_to in _addresses(message))
        ]

    def wait_for_message_to(self, address: str, timeout: float = 10.0) -> EmailMessage:
        # Mail may be sent after the response (on commit, or by a task), so poll briefly.
        deadline = time.monotonic() + timeout
        while True:
            found = self.messages_to(address)
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"No message to {address} in {self.path} after {timeout:.0f} s; "
                    f"the outbox holds {len(self.messages())} message(s) to others."
                )
            time.sleep(0.1)


def _addresses(message: EmailMessage) -> list[str]:
    header = message["To"]
    if header is None:
        return []
    return [mailbox.addr_spec for mailbox in header.addresses]


def message_text(message: EmailMessage) -> str:
    """The readable body (plain text preferred), decoded from quoted-printable or base64."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    return content if isinstance(content, str) else content.decode(errors="replace")


def message_urls(message: EmailMessage) -> list[str]:
    return [url.rstrip(".,;:)") for url in URL_PATTERN.findall(message_text(message))]


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login page, as the member would, and wait until it took."""
    page.goto("/accounts/login/")
    form = page.get_by_role("main").locator("form", has=page.locator("[name=login]"))
    form.locator("[name=login]").fill(username)
    form.locator("[name=password]").fill(password)
    form.get_by_role("button", name="Sign in").click()
    # The header's account menu replaces "Sign in" only for a signed-in member; waiting for it
    # keeps the next step from racing the redirect.
    account_menu = page.get_by_role("banner").locator("details.menu")
    expect(account_menu).to_contain_text(f"@{username}")


def assert_fits_the_viewport(page: Page) -> None:
    """No sideways scrolling: the page is no wider than the window showing it."""
    viewport = page.viewport_size
    assert viewport is not None
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= viewport["width"], (
        f"{page.url} is {scroll_width}px wide in a {viewport['width']}px window"
    )
