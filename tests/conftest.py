"""Shared fixtures: a few personas, as healthchecks' tests have Alice, Bob and Charlie.

- asker: a customer who asks questions
- helper: a customer who answers them
- agent: staff in the `agents` group
- moderator: staff in the `moderators` group
- outsider: a signed-up member with no part in anything, who should see nothing private
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import translation

from community import pagecache
from community.models import AGENTS_GROUP, MODERATORS_GROUP, Member
from config import brand
from config.celery import app as celery_app
from tests.concurrency import requires_postgresql
from tests.factories import MemberFactory


def pytest_configure(config: pytest.Config) -> None:
    # A fast hasher: the real one costs a quarter second per member.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The suite reads the same whatever the shell exports (HOST and PORT from `make`, a
    # brand): absolute links and the brand are their defaults unless a test sets them.
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.BRAND_NAME = brand.DEFAULT_NAME
    settings.BRAND_LOGO = brand.DEFAULT_LOGO
    settings.BRAND_ACCENT = brand.DEFAULT_ACCENT
    settings.BRAND_CURRENCY = brand.DEFAULT_CURRENCY
    # Tasks run in-process; the cross-process broker has its own test (tests/config).
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    _cache_of_this_worker()


def _cache_of_this_worker() -> None:
    """Each xdist worker keeps its Redis cache in a database of its own.

    Clearing a Redis cache is FLUSHDB: a test in one worker that clears it would wipe the
    throttle counts, lock-outs and cached pages of the test running in the other worker at
    that moment. The embedded defaults' local-memory cache is per process already.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    default = settings.CACHES["default"]
    if not worker.startswith("gw") or not str(default.get("LOCATION", "")).startswith("redis"):
        return
    url = urlsplit(str(default["LOCATION"]))
    base = int(url.path.strip("/") or 0)
    database = (base + 1 + int(worker.removeprefix("gw"))) % 16  # Redis has 16 by default
    default["LOCATION"] = urlunsplit(url._replace(path=f"/{database}"))


# === Running the whole suite on another date ================================================
# MUTUA_TEST_NOW=2027-03-28T00:30:00+00:00 make test: the session (each xdist worker too)
# starts at that moment, and the clock ticks on from there, so the suite can be run on the
# days that matter (README, "Development"). Tests that pin the clock travel on from it as usual.
TEST_NOW_VARIABLE = "MUTUA_TEST_NOW"
_session_clock: list[time_machine.travel] = []


def _test_now() -> datetime | None:
    value = os.environ.get(TEST_NOW_VARIABLE, "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise pytest.UsageError(
            f"{TEST_NOW_VARIABLE}={value!r}: give a moment with its offset, "
            "e.g. 2027-02-28T23:59:00+00:00"
        )
    return moment


def pytest_sessionstart(session: pytest.Session) -> None:
    moment = _test_now()
    if moment is not None:
        traveller = time_machine.travel(moment, tick=True)
        traveller.start()
        _session_clock.append(traveller)


def pytest_sessionfinish(session: pytest.Session) -> None:
    while _session_clock:
        _session_clock.pop().stop()


def pytest_report_header() -> str | None:
    moment = _test_now()
    return f"clock: the session starts at {moment.isoformat()}" if moment else None


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # A request in Italian leaves Italian active in the test thread; the next test must not
    # inherit it.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _own_page_cache() -> None:
    # Visitors' pages are cached by thread id, and ids repeat from one test to the next.
    pagecache.namespace = f":{uuid.uuid4().hex}"


@pytest.fixture(autouse=True)
def _media_root(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _no_review_of_new_members(request: pytest.FixtureRequest, settings: object) -> None:
    """Most tests' members joined a moment ago, and a new account's first post waits for a
    moderator (community.services.review): the review is off unless a test opts in with
    `@pytest.mark.new_member_review` (or the `new_member_review` fixture), so the rest
    keep meaning what they meant."""
    if request.node.get_closest_marker("new_member_review") is None:
        settings.NEW_MEMBER_REVIEW_POSTS = 0  # type: ignore[attr-defined]


@pytest.fixture
def new_member_review(settings: object) -> int:
    """The review of new members' first posts as shipped: one post."""
    settings.NEW_MEMBER_REVIEW_POSTS = 1  # type: ignore[attr-defined]
    settings.NEW_MEMBER_HOURS = 24  # type: ignore[attr-defined]
    return 1


@pytest.fixture
def asker(db: None) -> Member:
    return MemberFactory.create(username="asker", display_name="Anna Asker")


@pytest.fixture
def helper(db: None) -> Member:
    return MemberFactory.create(username="helper", display_name="Hugo Helper")


@pytest.fixture
def agent(db: None) -> Member:
    return MemberFactory.create(username="agent", is_staff=True, groups=[AGENTS_GROUP])


@pytest.fixture
def moderator(db: None) -> Member:
    return MemberFactory.create(username="moderator", is_staff=True, groups=[MODERATORS_GROUP])


@pytest.fixture
def outsider(db: None) -> Member:
    return MemberFactory.create(username="outsider")


# === End-of-run summary: which database the tests ran on ====================================
# A green run on SQLite says nothing about races: the concurrency tests (marked with
# tests.concurrency.requires_postgresql) skip there. The summary says how many tests used
# which database and how many race tests ran or were skipped, so nobody mistakes one for the
# other. Under xdist the workers tag each item (user_properties travel with every report) and
# the controller, which runs no test, counts the reports.

_RACE_REASON = requires_postgresql.kwargs["reason"]
_DB_FIXTURES = {"db", "transactional_db", "_django_db_helper", "live_server"}


def _database_label() -> str:
    vendor = connection.vendor
    if vendor == "sqlite":
        return "SQLite (embedded defaults)"
    if vendor == "postgresql":
        return f"PostgreSQL (database {settings.DATABASES['default']['NAME']})"
    return vendor


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        skipifs = item.iter_markers("skipif")
        if any(mark.kwargs.get("reason") == _RACE_REASON for mark in skipifs):
            item.user_properties.append(("mutua_race", True))
        fixtures = set(getattr(item, "fixturenames", ()))
        if item.get_closest_marker("django_db") or fixtures & _DB_FIXTURES:
            item.user_properties.append(("mutua_database", True))


def _outcomes(reporter: pytest.TerminalReporter) -> dict[str, tuple[str, dict[str, object]]]:
    """Each test's outcome (passed, failed, skipped) and its tags, from the reports."""
    outcomes: dict[str, tuple[str, dict[str, object]]] = {}
    for category in ("passed", "failed", "error", "skipped", "xfailed", "xpassed"):
        for report in reporter.stats.get(category, []):
            if not isinstance(report, pytest.TestReport):
                continue
            tags = dict(report.user_properties)
            if report.skipped and report.when in ("setup", "call"):
                outcomes[report.nodeid] = ("skipped", tags)
            elif report.failed:
                outcomes[report.nodeid] = ("failed", tags)
            elif report.when == "call" and report.nodeid not in outcomes:
                outcomes[report.nodeid] = ("passed", tags)
    return outcomes


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> Iterator[None]:
    # tryfirst on a wrapper: this runs after pytest's own summary (the short list of skips
    # and failures), just above the final line, where a reader looks.
    try:
        return (yield)
    finally:
        _database_summary(terminalreporter)


def _database_summary(reporter: pytest.TerminalReporter) -> None:
    outcomes = _outcomes(reporter)
    if not outcomes:
        return
    ran = {nodeid: tags for nodeid, (outcome, tags) in outcomes.items() if outcome != "skipped"}
    on_database = sum(1 for tags in ran.values() if tags.get("mutua_database"))
    races = [(outcome, tags) for outcome, tags in outcomes.values() if tags.get("mutua_race")]
    races_run = sum(1 for outcome, _tags in races if outcome != "skipped")
    races_skipped = len(races) - races_run
    other_postgresql_only = sum(
        1
        for report in reporter.stats.get("skipped", [])
        if isinstance(report, pytest.TestReport)
        and not dict(report.user_properties).get("mutua_race")
        and "PostgreSQL" in str(getattr(report, "longrepr", ""))
    )

    reporter.write_sep("=", "databases")
    reporter.write_line(
        f"{len(ran)} tests ran: {on_database} on {_database_label()}, "
        f"{len(ran) - on_database} without a database."
    )
    if races_run:
        failed = sum(1 for outcome, _tags in races if outcome == "failed")
        verdict = f"{failed} failed" if failed else "all passed"
        reporter.write_line(
            f"{races_run} concurrency tests ran on {_database_label()} ({verdict}).",
            green=not failed,
            red=bool(failed),
        )
    if races_skipped:
        reporter.write_line(
            f"{races_skipped} concurrency tests were SKIPPED: they need PostgreSQL. This run "
            "proves nothing about races; set DATABASE_URL=postgres://... to run them.",
            yellow=True,
            bold=True,
        )
    if other_postgresql_only:
        reporter.write_line(
            f"{other_postgresql_only} other tests of PostgreSQL-only features (full-text "
            "search, prepared statements) were skipped.",
            yellow=True,
        )
