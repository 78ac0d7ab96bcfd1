"""Shared fixtures: a few personas, as healthchecks' tests have Alice, Bob and Charlie.

- asker: a customer who asks questions
- helper: a customer who answers them
- agent: staff in the `agents` group
- moderator: staff in the `moderators` group
- outsider: a signed-up member with no part in anything, who should see nothing private
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from community import pagecache
from community.models import AGENTS_GROUP, MODERATORS_GROUP, Member
from config.celery import app as celery_app
from tests.factories import MemberFactory


def pytest_configure(config: pytest.Config) -> None:
    # A fast hasher: the real one costs a quarter second per member.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run in-process; the cross-process broker has its own test (tests/config).
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


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
