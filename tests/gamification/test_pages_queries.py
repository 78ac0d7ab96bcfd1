"""Query budgets of the gamification pages at 10 and at 10,000 members.

The leaderboard reads only the stored LeaderboardScore rows (never the ledger), so its cost
does not grow with the community: the same number of queries for ten members and for ten
thousand, and for a viewer at place 3 or at place 501. Two levels are checked:

- the reads themselves, pinned exactly: gamification.leaderboards.leaderboard costs 2 queries
  (the top 100, their groups) plus 1 for a signed-in viewer's place (points and dense rank
  in one query); the profile's points-and-badges section costs 3 (score, ranks, badges; with
  Redis each process keeps the ranks, gamification/ladder.py);
- the whole pages, measured at both sizes in one database: the counts must be equal and
  under a ceiling. The ceiling leaves room for the site chrome other apps add (the
  notification bell, ...): measured when written, /leaderboard/ cost 3 for a visitor and
  6-7 for a member, a profile 10 and 12-14.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from community.models import Board, Member
from gamification import ladder, leaderboards
from gamification.models import BadgeAward, Period
from gamification.profile import standing_section
from tests.builders import board_make, logged_in, member_make
from tests.gamification.pages_factories import award, crowd_bulk, scores_bulk

pytestmark = pytest.mark.django_db

AssertQueries = Callable[..., AbstractContextManager[Any]]
WHO = ["anonymous", "member"]
# Grown one after the other in the same database: 10 members, then 10,000.
GROWTH = [10, 9_990]

LEADERBOARD_READ = {"anonymous": 2, "member": 3}
PROFILE_SECTION = 3
LEADERBOARD_PAGE_MAX = {"anonymous": 5, "member": 10}
PROFILE_PAGE_MAX = {"anonymous": 14, "member": 18}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()
    ladder.ranks()  # with Redis each process keeps them, read once: warm, as on a live site


def grow(count: int, *, board: Board | None = None) -> list[Member]:
    """`count` more members with points (many tied, 500 distinct totals from 10 up)."""
    crowd = crowd_bulk(count)
    scores_bulk(crowd, [10 + (i % 500) * 3 for i in range(count)], board=board)
    return crowd


def viewer_with_5_points(board: Board | None = None) -> Member:
    viewer = member_make("viewer")
    award(viewer, 5, board=board)
    return viewer


def client_for(viewer: Member, who: str) -> Client:
    return Client() if who == "anonymous" else logged_in(viewer)


def measured(assert_max: AssertQueries, ceiling: int, client: Client, url: str) -> tuple[int, str]:
    with assert_max(ceiling), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response.content.decode()


# ---------------------------------------------------------------------------- the reads


@pytest.mark.parametrize("size", [10, 10_000])
@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("on_a_board", [False, True], ids=["overall", "board"])
def test_reading_a_leaderboard_costs_the_same_at_10_and_10000_members(
    django_assert_num_queries: AssertQueries,
    settings: Any,
    size: int,
    who: str,
    on_a_board: bool,
) -> None:
    # The reads from the database; tests/gamification/test_leaderboard_cache.py counts the
    # cached ones.
    settings.COMMUNITY_SHARED_ROWS = False
    board = board_make() if on_a_board else None
    grow(size, board=board)
    viewer = viewer_with_5_points(board)

    with django_assert_num_queries(LEADERBOARD_READ[who]):
        board_view = leaderboards.leaderboard(
            period=Period.MONTH,
            board=board,
            viewer=viewer if who == "member" else AnonymousUser(),
        )
        # Everything a page or the API reads from a row, the members' groups included.
        for row in board_view.rows:
            assert row.member.username
            assert row.member.role_label == ""

    assert len(board_view.rows) == min(size + 1, 100)
    if who == "member":
        # Distinct totals above the viewer's 5 points, plus one: 11 or 501.
        assert board_view.me is not None
        assert board_view.me.rank == min(size, 500) + 1


@pytest.mark.parametrize("size", [10, 10_000])
@pytest.mark.parametrize("who", WHO)
def test_the_profiles_standing_section_costs_the_same_at_10_and_10000_members(
    django_assert_num_queries: AssertQueries, settings: Any, size: int, who: str
) -> None:
    settings.COMMUNITY_SHARED_ROWS = False  # the ranks from the database too
    crowd = grow(size)
    viewer = viewer_with_5_points()
    profiled = crowd[len(crowd) // 2]
    BadgeAward.objects.create(member=profiled, badge="first-answer")
    BadgeAward.objects.create(member=profiled, badge="kudos-10")

    with django_assert_num_queries(PROFILE_SECTION):
        section = standing_section(profiled, viewer if who == "member" else AnonymousUser())

    assert [badge.slug for badge, _when in section.context["badges"]] == [
        "kudos-10",
        "first-answer",
    ]


# ---------------------------------------------------------------------------- the pages


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("on_a_board", [False, True], ids=["overall", "board"])
def test_the_leaderboard_page_costs_the_same_at_10_and_10000_members(
    django_assert_max_num_queries: AssertQueries, settings: Any, who: str, on_a_board: bool
) -> None:
    # The crowd grows in bulk, past the ledger that would replace the cached rows.
    settings.COMMUNITY_SHARED_ROWS = False
    board = board_make("network", "Network") if on_a_board else None
    viewer = viewer_with_5_points(board)
    client = client_for(viewer, who)
    url = "/leaderboard/?period=month" + ("&board=network" if board else "")
    counts, ranks = [], []
    for count in GROWTH:
        grow(count, board=board)
        queries, html = measured(
            django_assert_max_num_queries, LEADERBOARD_PAGE_MAX[who], client, url
        )
        counts.append(queries)
        ranks.append(html.split('data-my-rank="', 1)[-1].split('"', 1)[0])

    assert counts[0] == counts[1]
    if who == "member":
        assert ranks == ["11", "501"]  # the viewer's place, in and then far outside the top 100


@pytest.mark.parametrize("who", WHO)
def test_the_profile_page_costs_the_same_at_10_and_10000_members(
    django_assert_max_num_queries: AssertQueries, who: str
) -> None:
    viewer = viewer_with_5_points()
    client = client_for(viewer, who)
    counts = []
    for count in GROWTH:
        crowd = grow(count)
        profiled = crowd[len(crowd) // 2]
        BadgeAward.objects.create(member=profiled, badge="first-answer")
        queries, html = measured(
            django_assert_max_num_queries,
            PROFILE_PAGE_MAX[who],
            client,
            f"/members/{profiled.username}/",
        )
        assert "Helping hand" in html
        counts.append(queries)

    assert counts[0] == counts[1]


def test_the_badge_gallery_and_the_ranks_page_cost_the_same_at_10_and_10000_members(
    django_assert_num_queries: AssertQueries, settings: Any
) -> None:
    settings.COMMUNITY_SHARED_ROWS = False  # the ranks from the database too
    for count in GROWTH:
        crowd = grow(count)
        BadgeAward.objects.bulk_create(BadgeAward(member=m, badge="first-answer") for m in crowd)

        with django_assert_num_queries(1):  # the holder counts
            assert Client().get("/badges/").status_code == 200
        with django_assert_num_queries(3):  # ranks, rules, settings
            assert Client().get("/ranks/").status_code == 200
