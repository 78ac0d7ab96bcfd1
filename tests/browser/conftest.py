"""Real-browser tests: Playwright drives Debian's Chromium against the real product.

The product runs as a separate process, as a member would meet it: `manage.py migrate` and
`manage.py seed_demo` (the demo community, so journeys start from members, boards and questions
that already exist), then the production web server (`python -m config.serve`), with its own
database, its own var folder and a file-based mail outbox the tests read the confirmation links
from. Tests therefore never touch the Django ORM in-process; they assert database facts through
the pages.

Why the browser fixtures are package-scoped rather than session-scoped: Playwright's sync API
keeps an asyncio loop marked as running in the test thread for as long as it lives. Django then
refuses every ORM call in that thread (SynchronousOnlyOperation) and pytest-asyncio cannot start
its own loop, so a browser left open until the end of the session would break every ordinary
test collected after tests/browser. Package scope closes it when pytest leaves this folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from tests.browser.harness import DESKTOP, PHONE_MAX_WIDTH, MailOutbox
from tests.processes import (
    REPO_ROOT,
    Server,
    run_manage,
    server_environment,
    throwaway_database,
    web_server,
)
from tests.processes import manage as manage_server

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
RESULTS_DIR = REPO_ROOT / "test-results"

CHROMIUM = Path(os.environ.get("MUTUA_CHROMIUM", "/usr/bin/chromium"))
# No sandbox (containers and CI run as root), no GPU, and nothing that phones home: a test
# must not wait on, or be disturbed by, Chromium's own background traffic.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's default is 30 s per action; the local server answers in milliseconds, so a
# shorter wait makes a broken page fail fast instead of stalling the suite.
ACTION_TIMEOUT_MS = 10_000

failed_key = pytest.StashKey[bool]()


# --- Collection: mark every browser test, skip them all without Chromium ---------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items, not only this folder's.
    missing = not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK))
    skip = pytest.mark.skip(
        reason=(
            f"Chromium not found at {CHROMIUM}: browser tests skipped "
            "(apt-get install chromium, or point MUTUA_CHROMIUM at a Chromium binary)"
        )
    )
    for item in items:
        if BROWSER_TESTS_DIR not in item.path.parents:
            continue
        item.add_marker(pytest.mark.browser)
        if missing:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        item.stash[failed_key] = True
        # What the browser saw is half the story; the server's traceback is the other half.
        server = getattr(item, "funcargs", {}).get("mutua_server")
        if isinstance(server, MutuaServer):
            report.sections.append(("mutua server log (last lines)", server.log_tail()))
    return report


# --- The product, running in its own process ------------------------------------------------


@dataclass(frozen=True)
class MutuaServer:
    url: str
    log_path: Path
    mail_dir: Path
    # The server's environment: management commands run with it reach the server's database.
    env: dict[str, str]

    def log_tail(self, lines: int = 80) -> str:
        return Server(url=self.url, log_path=self.log_path).log_tail(lines)


@pytest.fixture(scope="session")
def mutua_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MutuaServer]:
    """The real product on a free local port: migrated, seeded with the demo community,
    serving, and writing mail to files.

    Under pytest-xdist every worker starts its own (its own port, folder and database).
    """
    root = tmp_path_factory.mktemp("mutua-server")
    with throwaway_database(root, "mutua_browser") as database_url:
        env = server_environment(
            root,
            database_url,
            # No worker runs beside the server: tasks run inside the request that schedules
            # them.
            CELERY_TASK_ALWAYS_EAGER="1",
            LOG_LEVEL="INFO",
            # The journeys sign in as the demo's staff, who have no authenticator app;
            # test_second_factor.py serves the product with the rule on.
            MFA_REQUIRED_FOR_STAFF="0",
            # With Redis the server uses it as CI does.
            **({"REDIS_URL": os.environ["REDIS_URL"]} if os.environ.get("REDIS_URL") else {}),
        )
        manage_server(env, "migrate", "--no-input")
        # The demo community (its members, all with DEMO_PASSWORD, and verified addresses):
        # journeys log in as chiara or hannah instead of signing up and confirming first.
        manage_server(env, "seed_demo", "--no-progress")
        with web_server(env, root / "server.log") as server:
            yield MutuaServer(
                url=server.url, log_path=server.log_path, mail_dir=root / "mail", env=env
            )


@pytest.fixture(scope="session")
def live_server_url(mutua_server: MutuaServer) -> str:
    """The base URL of the running product, e.g. http://127.0.0.1:41234 (no trailing slash)."""
    return mutua_server.url


@pytest.fixture
def manage(mutua_server: MutuaServer) -> Callable[..., str]:
    """Runs `manage.py <args>` against the server's database (as its scheduler would) and
    returns the command's output; a failing command fails the test."""

    def run(*args: str) -> str:
        finished = run_manage(*args, env=mutua_server.env, timeout=120)
        output = finished.stdout + finished.stderr
        assert finished.returncode == 0, (
            f"manage.py {' '.join(args)} failed with code {finished.returncode}:\n{output}"
        )
        return output

    return run


# --- The mail outbox ------------------------------------------------------------------------


@pytest.fixture
def mail_outbox(mutua_server: MutuaServer) -> MailOutbox:
    return MailOutbox(mutua_server.mail_dir)


# --- The browser ----------------------------------------------------------------------------


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def viewport() -> ViewportSize:
    """The page's size. Override per test: @pytest.mark.parametrize("viewport", [PHONE])."""
    return DESKTOP


# Reports every Content-Security-Policy violation on the console, where the fixture below
# collects it. Playwright's init scripts run outside the page's CSP, before any of its own.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.effectiveDirective + " blocked " +
    (event.blockedURI || "inline") + " at " + event.sourceFile + ":" + event.lineNumber +
    " on " + event.documentURI + " sample: " + event.sample);
}, true);
"""


@pytest.fixture
def csp_violations() -> list[str]:
    """Every Content-Security-Policy violation any page of the test reported.

    After each test the list must be empty (the strict policy must cost the product nothing),
    unless the test is marked `csp_violations_expected` (hostile content the policy blocks).
    """
    return []


@pytest.fixture
def new_page(
    browser: Browser,
    viewport: ViewportSize,
    live_server_url: str,
    request: pytest.FixtureRequest,
    csp_violations: list[str],
) -> Iterator[Callable[[], Page]]:
    """Opens a page in a fresh context (no cookies) each call; relative URLs go to the server.

    One context per person: a journey where one member asks and another answers needs two
    sessions side by side, as two people on two devices would have. Every page listens for
    Content-Security-Policy violations (see `csp_violations`).
    """
    phone = viewport["width"] < PHONE_MAX_WIDTH
    pages: list[Page] = []

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        if "CSP violation" in text or "Content Security Policy" in text:
            csp_violations.append(f"{message.page.url if message.page else '?'}: {text}")

    def open_page() -> Page:
        context = browser.new_context(
            base_url=live_server_url,
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            # Fixed, so the pages are in English whatever the machine's locale.
            locale="en-GB",
        )
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.add_init_script(CSP_LISTENER)
        context.on("console", on_console)
        page = context.new_page()
        pages.append(page)
        return page

    yield open_page
    failed = request.node.stash.get(failed_key, False)
    if (
        csp_violations
        and not failed
        and request.node.get_closest_marker("csp_violations_expected") is None
    ):
        for page in pages:
            page.context.close()
        pytest.fail(
            "Content-Security-Policy violations:\n" + "\n".join(sorted(set(csp_violations))),
            pytrace=False,
        )
    for number, page in enumerate(pages, start=1):
        if failed:
            # Every person's screen: the failure may show on the other member's page.
            suffix = f"-{number}" if len(pages) > 1 else ""
            _save_screenshot(page, f"{request.node.nodeid}{suffix}")
        page.context.close()


@pytest.fixture
def page(new_page: Callable[[], Page]) -> Page:
    """A page in a fresh context (no cookies), whose relative URLs go to the live server."""
    return new_page()


def _save_screenshot(page: Page, nodeid: str) -> None:
    name = re.sub(r"[^\w.-]+", "_", nodeid).strip("_")
    RESULTS_DIR.mkdir(exist_ok=True)
    # A courtesy for the reader of the failure; it must never become a second failure.
    with suppress(PlaywrightError):
        page.screenshot(path=RESULTS_DIR / f"{name}.png", full_page=True)
