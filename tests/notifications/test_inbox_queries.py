"""What the bell and the inbox cost in queries, at two sizes.

The bell is one COUNT for a member and nothing at all for an anonymous visitor; the inbox,
the dropdown and the API list cost the same for an inbox of a few and of many, whoever the
actors are. Measured when written, the same on SQLite and PostgreSQL:
- the bell: 1 query (the COUNT), only when a member's page shows it;
- /notifications/: 5 (session, member, the bell's count, the page count, the page with
  its actors); with Redis, which keeps the session, 4;
- /notifications/dropdown/: 4 (session, member, the latest eight with their actors, the
  count); with Redis 3;
- GET /api/v1/notifications/: 5 (token with its member, the page count, the page with its
  actors, the actors' groups, the unread count).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.models import Member
from tests.builders import api_client, logged_in, new_member_make
from tests.notifications.inbox_factories import HTMX, many_kudos, notify_badge

pytestmark = pytest.mark.django_db

AssertNumQueries = Callable[..., AbstractContextManager[Any]]
SIZES = [3, 40]
PROCESSOR = "notifications.context_processors.unread_notifications"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def without_the_bell_count(settings_fixture: Any) -> None:
    templates: list[dict[str, Any]] = [dict(engine) for engine in settings.TEMPLATES]
    options = dict(templates[0]["OPTIONS"])
    options["context_processors"] = [p for p in options["context_processors"] if p != PROCESSOR]
    templates[0]["OPTIONS"] = options
    settings_fixture.TEMPLATES = templates


def queries_for(client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def session_queries() -> int:
    """The session costs a query only when it is not read from the cache (Redis)."""
    return 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1


def touching_notifications(queries: list[str]) -> list[str]:
    return [sql for sql in queries if "notifications_notification" in sql]


def inbox_of(size: int) -> Member:
    """A member with `size` notifications from ten different actors, and one with none."""
    member = new_member_make()
    actors = [new_member_make() for _ in range(10)]
    many_kudos(member, actors, size - 1)
    notify_badge(member)
    return member


@pytest.mark.parametrize("size", SIZES)
def test_the_bell_costs_a_member_one_count_query_whatever_the_inbox_holds(
    settings: Any, size: int
) -> None:
    client = logged_in(inbox_of(size))
    with_bell = queries_for(client, "/")

    without_the_bell_count(settings)
    without = queries_for(client, "/")

    assert len(with_bell) == len(without) + 1
    [bell] = touching_notifications(with_bell)
    assert "COUNT(" in bell.upper()
    assert not touching_notifications(without)


def test_the_bell_costs_an_anonymous_visitor_nothing(settings: Any, client: Client) -> None:
    # Both renders for real: a visitor's second request would come from the page cache.
    settings.COMMUNITY_PAGE_CACHE_SECONDS = 0
    with_processor = queries_for(client, "/")

    without_the_bell_count(settings)
    without = queries_for(client, "/")

    assert not touching_notifications(with_processor)
    assert len(with_processor) == len(without)


def test_a_page_showing_the_unread_count_twice_counts_once(asker: Member) -> None:
    many_kudos(asker, [new_member_make()], 3)

    # The inbox shows the count in the bell and in its header.
    queries = touching_notifications(queries_for(logged_in(asker), "/notifications/"))

    unread_counts = [sql for sql in queries if "COUNT(" in sql.upper() and "IS NULL" in sql]
    assert len(unread_counts) == 1


@pytest.mark.parametrize("size", SIZES)
def test_the_inbox_costs_the_same_for_a_few_and_for_many_notifications(
    django_assert_num_queries: AssertNumQueries, size: int
) -> None:
    client = logged_in(inbox_of(size))

    with django_assert_num_queries(4 + session_queries()):
        response = client.get("/notifications/")

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_dropdown_costs_the_same_for_a_few_and_for_many_notifications(
    django_assert_num_queries: AssertNumQueries, size: int
) -> None:
    client = logged_in(inbox_of(size))

    with django_assert_num_queries(3 + session_queries()):
        response = client.get("/notifications/dropdown/", headers=HTMX)

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_api_list_costs_the_same_for_a_few_and_for_many_notifications(
    django_assert_num_queries: AssertNumQueries, size: int
) -> None:
    client = api_client(inbox_of(size))

    with django_assert_num_queries(5):
        response = client.get("/api/v1/notifications/?page_size=50")

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(size, 50)
