"""What the bell and the inbox cost in queries, at two sizes.

The bell costs no query of its own: the session's member read brings its COUNT along
(community.managers.bring_along); a member loaded another way is counted once, and an
anonymous visitor costs nothing. The inbox, the dropdown and the API list cost the same for
an inbox of a few and of many, whoever the actors are. Measured when written, the same on
SQLite and PostgreSQL:
- the bell: 0 queries of its own;
- /notifications/: 4 (session, member with the bell's count, the page count, the page with
  its actors); with Redis, which keeps the session, 3;
- /notifications/dropdown/: 3 (session, member with the count, the latest eight with their
  actors); with Redis 2;
- GET /api/v1/notifications/: 5 (token with its member, the page count, the page with its
  actors, the actors' groups, the unread count).
"""

from __future__ import annotations

import re
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
def test_the_bell_costs_a_member_no_query_of_its_own_whatever_the_inbox_holds(
    settings: Any, size: int
) -> None:
    client = logged_in(inbox_of(size))
    with_bell = queries_for(client, "/")
    page = client.get("/").content.decode()

    without_the_bell_count(settings)
    without = queries_for(client, "/")

    assert len(with_bell) == len(without)
    # The one query that reads notifications is the member's own read, bringing the count.
    [member_read] = touching_notifications(with_bell)
    assert "community_member" in member_read
    assert "COUNT(" in member_read.upper()
    assert f"data-unread-count>{size}</span>" in page


def test_the_count_brought_along_is_read_afresh_on_every_page(asker: Member) -> None:
    client = logged_in(asker)
    many_kudos(asker, [new_member_make()], 2)
    assert "data-unread-count>2</span>" in client.get("/").content.decode()

    notify_badge(asker)
    assert "data-unread-count>3</span>" in client.get("/").content.decode()

    client.post("/notifications/read/")
    assert re.search(r"data-unread-count hidden>0</span>", client.get("/").content.decode())


def test_a_member_loaded_another_way_is_counted_once(asker: Member) -> None:
    from django.template import Context, Template

    from notifications.context_processors import unread_notifications
    from notifications.services import member_unread_count

    many_kudos(asker, [new_member_make()], 3)
    elsewhere = Member.objects.filter(pk=asker.pk).first()  # no count brought along
    request = type("Request", (), {"user": elsewhere})()
    bell = Template("{{ n }} {{ n }}")

    with CaptureQueriesContext(connection) as captured:
        shown = bell.render(Context({"n": unread_notifications(request)["notifications_unread"]}))

    assert shown == "3 3"
    assert len(touching_notifications([q["sql"] for q in captured.captured_queries])) == 1
    assert member_unread_count(Member.objects.get(pk=asker.pk)) == 3


@pytest.mark.skipif(
    "__import__('django.db').db.connection.vendor != 'postgresql'",
    reason="index-only scans: run with DATABASE_URL on PostgreSQL",
)
def test_the_bells_count_reads_only_the_unread_index(asker: Member) -> None:
    # The count asks for rows, not ids: PostgreSQL answers it from the partial index of the
    # unread rows alone, never reading the notifications themselves (a member with hundreds
    # unread: 0.05 ms rather than 0.4, on every page they open).
    from community.managers import _row
    from notifications.services import _UNREAD

    many_kudos(asker, [new_member_make()], 30)
    with connection.cursor() as cursor:
        # Only index scans, so the plan shows which kind the statement allows at any size.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        for sql, params in (_UNREAD.sql(asker.pk), _row(Member).sql(asker.pk)):
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan using inbox_unread_group" in plan, plan


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

    with django_assert_num_queries(3 + session_queries()):
        response = client.get("/notifications/")

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_dropdown_costs_the_same_for_a_few_and_for_many_notifications(
    django_assert_num_queries: AssertNumQueries, size: int
) -> None:
    client = logged_in(inbox_of(size))

    with django_assert_num_queries(2 + session_queries()):
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
