"""Query budgets of the gamification API at 10 and at 10,000 members: pinned and equal.

Measured when written, the same on SQLite and PostgreSQL (token callers pay one query for
the token and its member):
- GET /leaderboard/: 2 (the top 100, their groups), plus the token and the caller's place.
- GET /members/{username}/: 9 (the member, their groups, score, ranks, badges, four counts).
- GET /members/{username}/points/: the token, the member, their groups, a count, a page.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.core.cache import cache

from community.models import Member
from gamification.models import BadgeAward
from tests.builders import api_client, board_make, member_make
from tests.gamification.pages_factories import award, crowd_bulk, scores_bulk

pytestmark = pytest.mark.django_db

AssertNumQueries = Callable[..., AbstractContextManager[Any]]
SIZES = [10, 10_000]

LEADERBOARD = {"anonymous": 2, "member": 4}
LEADERBOARD_ON_A_BOARD = {"anonymous": 3, "member": 5}
# The member's `privileges` add three: the profiled member's group and own permissions,
# and the ranks, which give both their rank's privileges and what unlocks next (their score
# is read once, for the standing and the privileges; with Redis each process keeps the
# ranks: gamification/ladder.py).
MEMBER = {"anonymous": 12, "member": 13}
POINTS = 5


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def community_of(size: int) -> tuple[list[Member], Member]:
    crowd = crowd_bulk(size)
    scores_bulk(crowd, [10 + (i % 500) * 3 for i in range(size)])
    viewer = member_make("viewer")
    award(viewer, 5)
    return crowd, viewer


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_leaderboard_costs_the_same_at_10_and_10000_members(
    django_assert_num_queries: AssertNumQueries, settings: Any, size: int, who: str
) -> None:
    settings.COMMUNITY_SHARED_ROWS = False  # the reads from the database, uncached
    _crowd, viewer = community_of(size)
    client = api_client(viewer if who == "member" else None)

    with django_assert_num_queries(LEADERBOARD[who]):
        response = client.get("/api/v1/leaderboard/", {"period": "all"})

    assert response.status_code == 200
    data = response.json()
    assert len(data["results"]) == min(size + 1, 50)  # the viewer is on it too
    if who == "member":
        assert data["me"] == {"rank": min(size, 500) + 1, "points": 5}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_a_boards_leaderboard_costs_the_same_at_10_and_10000_members(
    django_assert_num_queries: AssertNumQueries, settings: Any, size: int, who: str
) -> None:
    settings.COMMUNITY_SHARED_ROWS = False  # the reads from the database, uncached
    board = board_make("network", "Network")
    crowd = crowd_bulk(size)
    scores_bulk(crowd, [10 + (i % 500) * 3 for i in range(size)], board=board)
    viewer = member_make("viewer")
    award(viewer, 5, board=board)
    client = api_client(viewer if who == "member" else None)

    with django_assert_num_queries(LEADERBOARD_ON_A_BOARD[who]):
        response = client.get("/api/v1/leaderboard/", {"board": "network", "period": "month"})

    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_a_member_costs_the_same_at_10_and_10000_members(
    django_assert_num_queries: AssertNumQueries, settings: Any, size: int, who: str
) -> None:
    settings.COMMUNITY_SHARED_ROWS = False  # the reads from the database, uncached
    crowd, viewer = community_of(size)
    profiled = crowd[len(crowd) // 2]
    BadgeAward.objects.create(member=profiled, badge="first-answer")
    BadgeAward.objects.create(member=profiled, badge="kudos-10")
    client = api_client(viewer if who == "member" else None)

    with django_assert_num_queries(MEMBER[who]):
        response = client.get(f"/api/v1/members/{profiled.username}/")

    assert response.status_code == 200
    assert len(response.json()["badges"]) == 2


@pytest.mark.parametrize("size", SIZES)
def test_the_points_history_costs_the_same_at_10_and_10000_members(
    django_assert_num_queries: AssertNumQueries, size: int
) -> None:
    _crowd, viewer = community_of(size)
    for _ in range(30):
        award(viewer, 1)
    client = api_client(viewer)

    with django_assert_num_queries(POINTS):
        response = client.get("/api/v1/members/viewer/points/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 20
