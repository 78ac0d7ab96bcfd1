"""Query budgets of the community list endpoints, at two sizes, so an N+1 fails the build.

Each list is read at a small and a large size under the same django_assert_max_num_queries
budget, and the two counts must be equal: a query per row would show as a difference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import services
from community.models import AGENTS_GROUP, MODERATORS_GROUP, Board, Member, Thread
from tests import builders
from tests.builders import AN_HOUR, api_client, ask, board_make
from tests.community.content_factories import tag_create
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

AssertMaxQueries = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def authors(db: None) -> list[Member]:
    """Customers and staff, so the member summary reads groups for each of them."""
    return [
        MemberFactory.create(),
        MemberFactory.create(groups=[MODERATORS_GROUP], is_staff=True),
        MemberFactory.create(groups=[AGENTS_GROUP], is_staff=True),
        MemberFactory.create(is_superuser=True),
        MemberFactory.create(),
    ]


def measured(
    django_assert_max_num_queries: AssertMaxQueries, budget: int, client: Any, url: str
) -> tuple[int, Any]:
    with (
        django_assert_max_num_queries(budget),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def add_threads(count: int, authors: list[Member], board: Board) -> None:
    tag_create(slug=f"tag-{Thread.objects.count()}-a")
    tag_create(slug=f"tag-{Thread.objects.count()}-b")
    slugs = [f"tag-{Thread.objects.count()}-a", f"tag-{Thread.objects.count()}-b"]
    for n in range(count):
        thread = ask(author=authors[n % len(authors)], board=board, tags=slugs, ago=AN_HOUR)
        if n % 3 == 0:
            answer = builders.answer(
                thread=thread, author=authors[(n + 1) % len(authors)], ago=AN_HOUR
            )
            services.solution_accept(thread=thread, post=answer, actor=thread.author)


@pytest.mark.parametrize("as_member", [False, True], ids=["anonymous", "member"])
def test_the_thread_list_costs_the_same_for_5_and_40_threads(
    django_assert_max_num_queries: AssertMaxQueries,
    authors: list[Member],
    outsider: Member,
    as_member: bool,
) -> None:
    board = board_make(slug="billing")
    client = api_client(outsider if as_member else None)
    url = "/api/v1/threads/?page_size=50&board=billing"

    add_threads(5, authors, board)
    small, small_body = measured(django_assert_max_num_queries, 6, client, url)
    add_threads(35, authors, board)
    large, large_body = measured(django_assert_max_num_queries, 6, client, url)

    assert len(small_body["results"]) == 5
    assert len(large_body["results"]) == 40
    assert small == large
    assert {item["author"]["is_staff"] for item in large_body["results"]} == {True, False}
    assert all(len(item["tags"]) == 2 for item in large_body["results"])


@pytest.mark.parametrize("as_member", [False, True], ids=["anonymous", "member"])
def test_the_answers_cost_the_same_for_5_and_60_answers(
    django_assert_max_num_queries: AssertMaxQueries,
    authors: list[Member],
    asker: Member,
    outsider: Member,
    as_member: bool,
) -> None:
    thread = ask(author=asker, ago=AN_HOUR)
    client = api_client(outsider if as_member else None)
    url = f"/api/v1/threads/{thread.pk}/posts/?page_size=50"

    posts = [builders.answer(thread=thread, author=authors[n % 5], ago=AN_HOUR) for n in range(5)]
    services.solution_accept(thread=thread, post=posts[3], actor=asker)
    services.kudos_give(giver=outsider, post=posts[1])
    small, small_body = measured(django_assert_max_num_queries, 12, client, url)
    for n in range(55):
        builders.answer(thread=thread, author=authors[n % 5], ago=AN_HOUR)
    large, large_body = measured(django_assert_max_num_queries, 12, client, url)

    assert len(small_body["results"]) == 5
    assert len(large_body["results"]) == 50
    assert large_body["next"] is not None
    assert small == large
    assert large_body["results"][0]["id"] == posts[3].pk
    assert large_body["results"][0]["is_solution"] is True


def test_the_board_list_costs_the_same_for_5_and_40_boards(
    django_assert_max_num_queries: AssertMaxQueries, db: None
) -> None:
    client = api_client()
    for _ in range(5):
        board_make()
    small, _body = measured(
        django_assert_max_num_queries, 2, client, "/api/v1/boards/?page_size=50"
    )
    for _ in range(35):
        board_make()
    large, body = measured(django_assert_max_num_queries, 2, client, "/api/v1/boards/?page_size=50")

    assert len(body["results"]) == 40
    assert small == large


def test_search_costs_the_same_for_5_and_40_matching_threads(
    django_assert_max_num_queries: AssertMaxQueries, authors: list[Member]
) -> None:
    client = api_client()
    url = "/api/v1/search/?q=roaming&page_size=50"

    def add(count: int) -> None:
        for n in range(count):
            thread = ask(
                author=authors[n % 5],
                title=f"Roaming trouble number {n}",
                body="My roaming does not work abroad at all.",
                ago=AN_HOUR,
            )
            builders.answer(
                thread=thread, author=authors[(n + 1) % 5], body="Try roaming reset.", ago=AN_HOUR
            )

    add(5)
    small, small_body = measured(django_assert_max_num_queries, 4, client, url)
    add(35)
    large, large_body = measured(django_assert_max_num_queries, 4, client, url)

    assert len(small_body["results"]) == 10
    assert len(large_body["results"]) == 50
    assert small == large


def test_one_thread_costs_a_fixed_number_of_queries(
    django_assert_max_num_queries: AssertMaxQueries, authors: list[Member], outsider: Member
) -> None:
    thread = ask(author=authors[1], ago=AN_HOUR)
    client = api_client(outsider)

    with django_assert_max_num_queries(12):
        response = client.get(f"/api/v1/threads/{thread.pk}/")

    assert response.status_code == 200
