"""GET /api/v1/leaderboard/: periods, boards, dense ranks, pages and the caller's place."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from community.models import Member
from gamification.periods import payback_period_bounds
from tests.builders import api_client, board_make, member_make
from tests.gamification.pages_factories import award, crowd_bulk, scores_bulk

pytestmark = pytest.mark.django_db

URL = "/api/v1/leaderboard/"


@pytest.fixture
def podium() -> dict[str, Member]:
    """50, 50, 40, 30, 30, 10 points this week."""
    members = {}
    for username, points in [
        ("ada", 50),
        ("bob", 50),
        ("cyd", 40),
        ("dan", 30),
        ("eve", 30),
        ("fay", 10),
    ]:
        members[username] = member_make(username)
        award(members[username], points)
    return members


def test_the_leaderboard_ranks_densely_with_ties_sharing_a_rank(
    podium: dict[str, Member],
) -> None:
    response = api_client().get(URL)

    assert response.status_code == 200
    data = response.json()
    assert {"period", "start", "results", "me"} <= set(data)
    assert data["period"] == "week"
    today = timezone.localdate()
    assert date.fromisoformat(data["start"]) == today - timedelta(days=today.weekday())
    assert [(r["rank"], r["member"]["username"], r["points"]) for r in data["results"]] == [
        (1, "ada", 50),
        (1, "bob", 50),
        (2, "cyd", 40),
        (3, "dan", 30),
        (3, "eve", 30),
        (4, "fay", 10),
    ]
    member = data["results"][0]["member"]
    assert set(member) >= {"username", "display_name", "avatar_url", "rank", "is_staff", "url"}
    assert member["url"] == "/members/ada/"
    assert data["me"] is None
    assert data["board"] is None


@pytest.mark.parametrize("period", ["week", "month", "all", "payback"])
def test_every_period_has_its_board_and_start(podium: dict[str, Member], period: str) -> None:
    data = api_client().get(URL, {"period": period}).json()

    today = timezone.localdate()
    starts = {
        "week": today - timedelta(days=today.weekday()),
        "month": today.replace(day=1),
        "all": date(2000, 1, 1),
        "payback": payback_period_bounds(today)[0],
    }
    assert data["period"] == period
    assert date.fromisoformat(data["start"]) == starts[period]
    assert data["results"][0]["member"]["username"] == "ada"


def test_a_bad_period_is_a_400_naming_the_field(podium: dict[str, Member]) -> None:
    response = api_client().get(URL, {"period": "decade"})

    assert response.status_code == 400
    assert "period" in response.json()


def test_an_unknown_board_is_a_400_naming_the_field(podium: dict[str, Member]) -> None:
    response = api_client().get(URL, {"board": "no-such-board"})

    assert response.status_code == 400
    assert response.json() == {"board": ["There is no board called “no-such-board”."]}


def test_a_board_counts_only_points_earned_on_it(podium: dict[str, Member]) -> None:
    board = board_make("billing", "Billing")
    award(podium["fay"], 7, board=board)

    data = api_client().get(URL, {"board": "billing"}).json()

    assert data["board"] == "billing"
    assert [(r["rank"], r["member"]["username"], r["points"]) for r in data["results"]] == [
        (1, "fay", 7)
    ]


def test_the_caller_sees_their_rank_and_points(podium: dict[str, Member]) -> None:
    data = api_client(podium["eve"]).get(URL).json()

    assert data["me"] == {"rank": 3, "points": 30}


def test_a_caller_without_points_has_no_rank(podium: dict[str, Member], outsider: Member) -> None:
    assert api_client(outsider).get(URL).json()["me"] == {"rank": None, "points": 0}


def test_the_top_100_comes_fifty_a_page_and_the_caller_outside_it_still_has_a_rank() -> None:
    crowd = crowd_bulk(130)
    scores_bulk(crowd, [2000 - i for i in range(130)])  # all distinct: 2000 down to 1871
    me = member_make("straggler")
    award(me, 3)
    client = api_client(me)

    first = client.get(URL).json()
    second = client.get(first["next"]).json()

    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert [r["rank"] for r in first["results"]] == list(range(1, 51))
    assert [r["rank"] for r in second["results"]] == list(range(51, 101))
    assert second["next"] is None
    assert second["previous"] is not None
    assert first["me"] == second["me"] == {"rank": 131, "points": 3}


def test_a_bad_page_is_a_404(podium: dict[str, Member]) -> None:
    for bad in ("abc", "0", "3"):
        response = api_client().get(URL, {"page": bad})
        assert response.status_code == 404, bad
        assert "detail" in response.json()


def test_the_page_size_is_capped_at_fifty() -> None:
    crowd = crowd_bulk(80)
    scores_bulk(crowd, [100 + i for i in range(80)])

    data = api_client().get(URL, {"page_size": 100}).json()

    assert len(data["results"]) == 50
