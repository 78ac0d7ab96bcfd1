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
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import psycopg
import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from psycopg import sql

from tests.browser.harness import DESKTOP, PHONE_MAX_WIDTH, MailOutbox

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_TESTS_DIR.parents[1]
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

SERVER_STARTUP_SECONDS = 30.0
# Playwright's default is 30 s per action; the local server answers in milliseconds, so a
# shorter wait makes a broken page fail fast instead of stalling the suite.
ACTION_TIMEOUT_MS = 10_000

# The server must run the development configuration with everything under its own temporary
# folder, whatever the developer's shell exports: these settings would point it elsewhere
# (production mode, their media folder, a host list without 127.0.0.1, ...).
DROPPED_VARIABLES = (
    "DJANGO_ENV",
    "DJANGO_DEBUG",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "SERVE_MEDIA",
    "SECURE_SSL_REDIRECT",
)

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
        return _tail(self.log_path, lines)


def _tail(path: Path, lines: int = 80) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"({path} was never written)"
    return "\n".join(text.splitlines()[-lines:])


@contextmanager
def _throwaway_database(database_url: str | None) -> Iterator[str | None]:
    """A fresh PostgreSQL database on the server DATABASE_URL names, dropped afterwards.

    Yields its URL, or None when DATABASE_URL is unset or not PostgreSQL: the server then
    uses SQLite in its own var folder. A fresh database (rather than pytest-django's test
    database) keeps the server's migrations and writes away from the in-process test runs.
    """
    if not database_url:
        yield None
        return
    if dj_database_url.parse(database_url)["ENGINE"] != "django.db.backends.postgresql":
        yield None
        return
    # libpq understands postgresql:// URLs, not dj-database-url's aliases (pgsql://, ...).
    admin_url = urlsplit(database_url)._replace(scheme="postgresql")
    name = f"mutua_browser_{secrets.token_hex(6)}"
    # CREATE/DROP DATABASE cannot run in a transaction, hence autocommit on the maintenance
    # database.
    with psycopg.connect(admin_url.geturl(), dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield admin_url._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin_url.geturl(), dbname="postgres", autocommit=True) as conn:
            # FORCE: a connection the server left behind must not keep the database alive.
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _server_environment(root: Path, database_url: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in DROPPED_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        MUTUA_VAR_DIR=str(root / "var"),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(root / "mail"),
        # No worker runs beside the server: tasks run inside the request that schedules them.
        CELERY_TASK_ALWAYS_EAGER="1",
        PYTHONUNBUFFERED="1",
    )
    # REDIS_URL passes through untouched: with it the server uses Redis as CI does.
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    # Straight to 127.0.0.1, never through a proxy a developer's shell may export.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + SERVER_STARTUP_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(
                f"The Mutua server exited with code {process.returncode} during startup. "
                f"Its log ({log_path}):\n{_tail(log_path)}",
                pytrace=False,
            )
        try:
            with opener.open(f"{url}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass  # Not ready yet (or 503 while the database is unreachable): try again.
        if time.monotonic() > deadline:
            pytest.fail(
                f"The Mutua server did not answer /healthz with 200 within "
                f"{SERVER_STARTUP_SECONDS:.0f} s. Its log ({log_path}):\n{_tail(log_path)}",
                pytrace=False,
            )
        time.sleep(0.2)


def _manage(env: dict[str, str], log_path: Path, *args: str) -> None:
    """Run one `manage.py` command for the server's database; fail the session if it fails."""
    with log_path.open("wb") as out:
        finished = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=300,
            check=False,
        )
    if finished.returncode != 0:
        pytest.fail(
            f"manage.py {args[0]} failed with code {finished.returncode}:\n{_tail(log_path)}",
            pytrace=False,
        )


@pytest.fixture(scope="session")
def mutua_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MutuaServer]:
    """The real product on a free local port: migrated, seeded with the demo community,
    serving, and writing mail to files.

    Under pytest-xdist every worker starts its own (its own port, folder and database).
    """
    root = tmp_path_factory.mktemp("mutua-server")
    log_path = root / "server.log"
    with _throwaway_database(os.environ.get("DATABASE_URL")) as database_url:
        env = _server_environment(root, database_url)
        _manage(env, root / "migrate.log", "migrate", "--no-input")
        # The demo community (its members, all with DEMO_PASSWORD, and verified addresses):
        # journeys log in as chiara or hannah instead of signing up and confirming first.
        _manage(env, root / "seed_demo.log", "seed_demo", "--no-progress")

        # We bind the port ourselves and hand the server the listening socket: picking a
        # "free" port and letting the server bind it later races with anything else starting
        # on this machine, and the health check would then happily talk to the other server.
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        port = listener.getsockname()[1]
        url = f"http://127.0.0.1:{port}"
        with log_path.open("wb") as log:
            # The production command, as `make run` and the Procfile start it.
            process = subprocess.Popen(
                [sys.executable, "-m", "config.serve", "--fd", str(listener.fileno())],
                cwd=REPO_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                pass_fds=[listener.fileno()],
            )
        # The child holds its own copy; ours would only keep the port open after it exits.
        listener.close()
        try:
            _wait_until_healthy(process, url, log_path)
            yield MutuaServer(url=url, log_path=log_path, mail_dir=root / "mail", env=env)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def live_server_url(mutua_server: MutuaServer) -> str:
    """The base URL of the running product, e.g. http://127.0.0.1:41234 (no trailing slash)."""
    return mutua_server.url


@pytest.fixture
def manage(mutua_server: MutuaServer) -> Callable[..., str]:
    """Runs `manage.py <args>` against the server's database (as its scheduler would) and
    returns the command's output; a failing command fails the test."""

    def run(*args: str) -> str:
        finished = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=mutua_server.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
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


@pytest.fixture
def new_page(
    browser: Browser, viewport: ViewportSize, live_server_url: str, request: pytest.FixtureRequest
) -> Iterator[Callable[[], Page]]:
    """Opens a page in a fresh context (no cookies) each call; relative URLs go to the server.

    One context per person: a journey where one member asks and another answers needs two
    sessions side by side, as two people on two devices would have.
    """
    phone = viewport["width"] < PHONE_MAX_WIDTH
    pages: list[Page] = []

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
        page = context.new_page()
        pages.append(page)
        return page

    yield open_page
    failed = request.node.stash.get(failed_key, False)
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
