"""The security suite's community, built once per package and rolled back at the end.

The tests run inside it (pytest-django's per-test transaction becomes a savepoint), so each
test's writes vanish while the community stays: building it per test would cost seconds each.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import transaction

from tests.security.world import World, build_world


@pytest.fixture(scope="package")
def world(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[World]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Throttles and page caches must not carry over from one test (or role) to the next.
    cache.clear()
    yield
    cache.clear()
