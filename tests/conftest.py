"""Shared fixtures: a few personas, as healthchecks' tests have Alice, Bob and Charlie.

- asker: a customer who asks questions
- helper: a customer who answers them
- agent: staff in the `agents` group
- moderator: staff in the `moderators` group
- outsider: a signed-up member with no part in anything, who should see nothing private
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from community.models import AGENTS_GROUP, MODERATORS_GROUP, Member
from config.celery import app as celery_app
from tests.factories import MemberFactory


def pytest_configure(config: pytest.Config) -> None:
    # A fast hasher: the real one costs a quarter second per member.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in-process; the cross-process broker has its own test (tests/config).
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


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
def _media_root(settings: object, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


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
