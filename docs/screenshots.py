"""Refresh the README's screenshots from a freshly loaded demo community.

    .venv/bin/python docs/screenshots.py        (or: make screenshots)

Starts the product as `make run` would (migrate, seed_demo, the production web server) on a
throwaway SQLite database and a free loopback port, opens the pages in headless Chromium
(Playwright) as a desktop and as a 375 px phone, and writes the PNGs into docs/. Nothing of
the developer's own database or var folder is touched. MUTUA_CHROMIUM points at another
Chromium binary (default /usr/bin/chromium).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright  # noqa: E402

from tests.processes import run_manage, server_environment, web_server  # noqa: E402

DOCS = REPO_ROOT / "docs"
CHROMIUM = os.environ.get("MUTUA_CHROMIUM", "/usr/bin/chromium")
# Headless, and nothing that phones home or needs a GPU (as the browser tests run it).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 812}
DEMO_PASSWORD = "mutua-demo"  # noqa: S105 - the demo logins' published password
SOLVED_QUESTION = "My eSIM won't activate on a new iPhone"


@dataclass(frozen=True)
class Shot:
    """One picture: a page (after `prepare`), at a size, as a visitor or a demo member."""

    file: str
    path: str
    viewport: ViewportSize
    full_page: bool = False
    member: str | None = None
    prepare: Callable[[Page], None] | None = None


def open_solved_question(page: Page) -> None:
    page.goto("/search/?q=esim+activate+iphone")
    page.get_by_role("main").get_by_role("link", name=SOLVED_QUESTION).first.click()
    page.wait_for_load_state("networkidle")


SHOTS = [
    Shot("screenshot.png", "/", DESKTOP, full_page=True),
    Shot("profile.png", "/members/hannah/", DESKTOP),
    Shot("phone.png", "/", PHONE),
    Shot("phone-thread.png", "/", PHONE, prepare=open_solved_question),
]


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def take(browser: Browser, base_url: str, shot: Shot) -> Path:
    phone = shot.viewport["width"] < 600
    context = browser.new_context(
        base_url=base_url,
        viewport=shot.viewport,
        device_scale_factor=2 if phone else 1,
        is_mobile=phone,
        has_touch=phone,
        locale="en-GB",
    )
    try:
        page = context.new_page()
        if shot.member:
            log_in(page, shot.member)
        page.goto(shot.path)
        if shot.prepare:
            shot.prepare(page)
        page.wait_for_load_state("networkidle")
        target = DOCS / shot.file
        page.screenshot(path=str(target), full_page=shot.full_page)
        return target
    finally:
        context.close()


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mutua-screenshots-") as folder:
        root = Path(folder)
        env = server_environment(
            root, f"sqlite:///{root / 'demo.sqlite3'}", CELERY_TASK_ALWAYS_EAGER="1"
        )
        for args in (("migrate", "--no-input"), ("seed_demo", "--no-progress")):
            done = run_manage(*args, env=env, timeout=600)
            if done.returncode != 0:
                sys.stderr.write(done.stdout + done.stderr)
                return 1
        with web_server(env, root / "server.log") as server, sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                for shot in SHOTS:
                    print(take(browser, server.url, shot).relative_to(REPO_ROOT))
            finally:
                browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
