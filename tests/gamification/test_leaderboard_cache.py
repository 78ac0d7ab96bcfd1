"""The leaderboards read once per change from a cache every process shares
(gamification/leaderboards.py): the top rows under a version every move of points replaces,
the viewer's points always fresh, their place among the totals of the period.

Run with the shared cache on (COMMUNITY_SHARED_ROWS), on the test's own cache, whatever the
database: what is checked is what a reader sees and what each read costs.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.utils import timezone

from community import services
from community.models import Member
from gamification.leaderboards import Leaderboard, leaderboard
from gamification.models import Period
from tests.builders import board_make, member_make
from tests.factories import PASSWORD
from tests.gamification.pages_factories import award, crowd_bulk, scores_bulk

pytestmark = pytest.mark.django_db

AssertQueries = Callable[..., AbstractContextManager[Any]]


@pytest.fixture(autouse=True)
def _shared_cache(settings: Any) -> None:
    settings.COMMUNITY_SHARED_ROWS = True
    settings.GAMIFICATION_LEADERBOARD_STALE_SECONDS = 30
    cache.clear()


def crowd(count: int) -> list[Member]:
    """`count` members with 500 distinct totals from 10 up, three points apart, many tied."""
    members = crowd_bulk(count)
    scores_bulk(members, [10 + (i % 500) * 3 for i in range(count)])
    return members


def read(viewer: Member | None = None, **kwargs: Any) -> Leaderboard:
    return leaderboard(period=Period.ALL, viewer=viewer or AnonymousUser(), **kwargs)


def uncached(settings: Any, viewer: Member, **kwargs: Any) -> Leaderboard:
    settings.COMMUNITY_SHARED_ROWS = False
    try:
        return read(viewer, **kwargs)
    finally:
        settings.COMMUNITY_SHARED_ROWS = True


def test_a_repeated_read_costs_no_query_for_a_visitor_and_one_for_a_member(
    django_assert_num_queries: AssertQueries,
) -> None:
    crowd(1000)
    viewer = member_make("viewer")
    award(viewer, 5)  # below the top 100: placed among the totals
    read(viewer)

    with django_assert_num_queries(0):
        rows = read().rows
    with django_assert_num_queries(1):  # the viewer's own points, fresh
        board = read(viewer)

    assert [r.rank for r in rows[:3]] == [1, 1, 2]
    assert board.rows == rows
    assert board.me is not None
    assert (board.me.rank, board.me.points) == (501, 5)


@pytest.mark.parametrize("size", [10, 1000])
def test_a_cold_read_costs_at_most_four_queries_at_any_size(
    django_assert_num_queries: AssertQueries, size: int
) -> None:
    crowd(size)
    viewer = member_make("viewer")
    award(viewer, 5)

    # The rows, their groups, the viewer's points, and (below the rows) the totals.
    with django_assert_num_queries(3 if size < 100 else 4):
        board = read(viewer)

    assert board.me is not None
    assert board.me.rank == min(size, 500) + 1


def test_every_viewer_gets_the_place_the_database_gives(settings: Any) -> None:
    members = crowd(700)
    for viewer in [*members[:3], members[150], members[499], members[650]]:
        cached = read(viewer, size=20)
        assert cached.me == uncached(settings, viewer, size=20).me
        assert cached.rows == read(size=20).rows
    nobody = member_make("nobody")
    assert read(nobody).me == uncached(settings, nobody).me
    assert read(nobody).me is not None


def test_points_show_at_once_on_the_rows_and_in_the_viewers_own_place() -> None:
    crowd(300)
    climber = member_make("climber")
    award(climber, 5)
    before = read(climber)
    assert before.me is not None
    assert climber not in [r.member for r in before.rows]

    award(climber, 5000)

    after = read(climber)
    assert (after.rows[0].member, after.rows[0].points, after.rows[0].rank) == (
        climber,
        5005,
        1,
    )
    assert after.me is not None
    assert (after.me.rank, after.me.points) == (1, 5005)


def test_a_deleted_member_leaves_the_rows_at_once() -> None:
    crowd(20)
    leaver = member_make("leaver")
    award(leaver, 9000)
    assert read().rows[0].member == leaver

    services.member_delete(member=leaver, actor=leaver, password=PASSWORD)

    assert leaver.pk not in [r.member.pk for r in read().rows]


def test_a_viewers_place_counts_others_moves_within_the_stale_window(settings: Any) -> None:
    members = crowd(400)
    viewer = member_make("viewer")
    award(viewer, 11)  # above the 10, below the 399 others: place 400
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert read(viewer).me.rank == 400  # type: ignore[union-attr]
        award(members[0], 2)  # 10 -> 12: one more total above the viewer
        award(members[100], 1000)  # to the top
        # The rows show it at once; the place among the totals may wait.
        assert read().rows[0].member == members[100]
        assert read(viewer).me.rank == 400  # type: ignore[union-attr]
        assert read(viewer).me.points == 11  # type: ignore[union-attr]

    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        assert read(viewer).me.rank == 401  # type: ignore[union-attr]
        assert read(viewer).me == uncached(settings, viewer).me


def test_without_a_stale_window_a_place_follows_every_change(settings: Any) -> None:
    settings.GAMIFICATION_LEADERBOARD_STALE_SECONDS = 0
    members = crowd(400)
    viewer = member_make("viewer")
    award(viewer, 11)
    assert read(viewer).me.rank == 400  # type: ignore[union-attr]

    award(members[0], 2)

    assert read(viewer).me.rank == 401  # type: ignore[union-attr]


def test_the_boards_and_periods_are_kept_apart() -> None:
    network = board_make("network", "Network")
    billing = board_make("billing", "Billing")
    alice, bob = member_make("alice"), member_make("bob")
    award(alice, 30, board=network)
    award(bob, 20, board=billing)

    on_network = leaderboard(period=Period.WEEK, board=network, viewer=bob)
    on_billing = leaderboard(period=Period.WEEK, board=billing, viewer=bob)
    overall = leaderboard(period=Period.WEEK, viewer=bob)

    assert [r.member for r in on_network.rows] == [alice]
    assert [r.member for r in on_billing.rows] == [bob]
    assert [r.member for r in overall.rows] == [alice, bob]
    assert on_network.me is not None and on_network.me.rank is None
    assert overall.me is not None and overall.me.rank == 2
