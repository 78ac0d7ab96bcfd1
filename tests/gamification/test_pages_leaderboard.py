"""The leaderboard page: periods, boards, dense ranks, the viewer's own place, caching and
Italian."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from community import services
from community.models import Member
from gamification.models import LeaderboardScore
from gamification.periods import payback_period_bounds
from tests.builders import board_make, logged_in, member_make
from tests.gamification.pages_factories import award, crowd_bulk, scores_bulk

pytestmark = pytest.mark.django_db

ROW = re.compile(
    r'<li class="leaderboard-row[^"]*"[^>]*>'
    r'.*?<span class="visually-hidden">[^<]*</span>(\d+)</span>'
    r'.*?class="byline-name" href="/members/([^/]+)/">',
    re.S,
)


def ranking(html: str) -> list[tuple[int, str]]:
    """(rank, username) of each row, top first."""
    return [(int(rank), username) for rank, username in ROW.findall(html)]


def directives(response: object) -> set[str]:
    value = response.get("Cache-Control", "")  # type: ignore[attr-defined]
    return {part.strip() for part in value.split(",") if part}


@pytest.fixture
def podium() -> dict[str, Member]:
    """Six members, two pairs of them tied: 50, 50, 40, 30, 30, 10 points this week."""
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


def test_members_tied_on_points_share_a_rank_and_the_next_rank_follows_on(
    client: Client, podium: dict[str, Member]
) -> None:
    response = client.get("/leaderboard/")

    assert response.status_code == 200
    assert ranking(response.content.decode()) == [
        (1, "ada"),
        (1, "bob"),
        (2, "cyd"),
        (3, "dan"),
        (3, "eve"),
        (4, "fay"),
    ]


def test_each_row_links_to_the_profile_and_shows_the_rank_badge(
    client: Client, podium: dict[str, Member]
) -> None:
    award(podium["ada"], 100)  # 150 in all: the "Member" rank from 50 points

    html = client.get("/leaderboard/").content.decode()

    assert 'href="/members/ada/"' in html
    assert '<span class="rank-badge">Member</span>' in html
    assert "Ada" in html


def test_points_earned_through_the_community_count_on_the_leaderboard(client: Client) -> None:
    asker, helper = member_make("asker1"), member_make("helper1")
    board = board_make()
    thread = services.thread_create(
        author=asker,
        board=board,
        title="My phone has no signal today",
        body="x" * 40,
        check_limits=False,
    )
    post = services.post_create(author=helper, thread=thread, body="y" * 40, check_limits=False)
    services.kudos_give(giver=asker, post=post)
    services.solution_accept(thread=thread, post=post, actor=asker)

    html = client.get("/leaderboard/").content.decode()

    # The helper: 2 for answering, 5 for answering fast, 10 for the kudos, 15 for the solution.
    assert ranking(html) == [(1, "helper1"), (2, "asker1")]
    assert "<strong>32</strong> points" in html


def test_the_tabs_show_week_month_all_time_and_the_payback_period(
    client: Client, podium: dict[str, Member]
) -> None:
    week_start = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    # Last week's row is no part of this week's board.
    LeaderboardScore.objects.create(
        member=podium["fay"], period="week", start=week_start - timedelta(days=7), points=999
    )
    LeaderboardScore.objects.filter(member=podium["fay"], period="all").update(points=1000)

    for period in ("week", "month", "payback"):
        response = client.get("/leaderboard/", {"period": period})
        assert response.status_code == 200
        assert ranking(response.content.decode())[0] == (1, "ada"), period
    everything = client.get("/leaderboard/", {"period": "all"}).content.decode()
    assert ranking(everything)[0] == (1, "fay")
    assert 'aria-current="page">All time</a>' in everything
    payback = client.get("/leaderboard/", {"period": "payback"}).content.decode()
    start, _end = payback_period_bounds(timezone.localdate())
    assert f'since <time datetime="{start:%Y-%m-%d}">' in payback


def test_an_unknown_period_shows_this_week(client: Client, podium: dict[str, Member]) -> None:
    response = client.get("/leaderboard/", {"period": "decade"})

    assert response.status_code == 200
    assert 'aria-current="page">This week</a>' in response.content.decode()


def test_the_board_filter_counts_only_points_earned_on_that_board(
    client: Client, podium: dict[str, Member]
) -> None:
    board = board_make("roaming", "Roaming abroad")
    award(podium["fay"], 5, board=board)
    award(podium["eve"], 3, board=board)

    response = client.get("/leaderboard/", {"board": "roaming", "period": "month"})

    html = response.content.decode()
    assert response.status_code == 200
    assert ranking(html) == [(1, "fay"), (2, "eve")]
    assert '<option value="roaming" selected>Roaming abroad</option>' in html
    # The tabs keep the board.
    assert 'href="?period=week&amp;board=roaming"' in html


def test_an_unknown_board_is_a_404(client: Client) -> None:
    assert client.get("/leaderboard/", {"board": "no-such-board"}).status_code == 404


def test_members_whose_points_went_back_to_zero_are_not_on_the_board(
    client: Client, podium: dict[str, Member]
) -> None:
    award(podium["fay"], -10)

    names = [name for _rank, name in ranking(client.get("/leaderboard/").content.decode())]
    assert names == ["ada", "bob", "cyd", "dan", "eve"]


def test_a_member_sees_their_own_rank_and_points(podium: dict[str, Member]) -> None:
    html = logged_in(podium["eve"]).get("/leaderboard/").content.decode()

    assert "You: #3, 30 points" in html
    assert re.search(r'leaderboard-row is-me"\s*aria-current="true"', html)


def test_a_member_outside_the_top_100_still_sees_their_rank(client: Client) -> None:
    crowd = crowd_bulk(150)
    # Every two members share a total: 150 members hold 75 distinct totals, 1000 down to 260.
    scores_bulk(crowd, [1000 - 10 * (i // 2) for i in range(150)])
    me = member_make("lastone")
    award(me, 5)

    html = logged_in(me).get("/leaderboard/").content.decode()

    rows = ranking(html)
    assert len(rows) == 100
    assert rows[-1][0] == 50  # dense: 100 rows, 50 distinct totals
    assert "lastone" not in [name for _rank, name in rows]
    assert "You: #76, 5 points" in html


def test_a_member_without_points_is_told_how_to_get_on_the_board(
    podium: dict[str, Member],
) -> None:
    html = logged_in(member_make("newbie")).get("/leaderboard/").content.decode()

    assert "You have no points in this period yet" in html


def test_anonymous_visitors_are_invited_to_sign_in_and_the_page_is_publicly_cacheable(
    client: Client, podium: dict[str, Member]
) -> None:
    response = client.get("/leaderboard/?period=month")

    assert (
        'href="/accounts/login/?next=/leaderboard/%3Fperiod%3Dmonth"' in response.content.decode()
    )
    assert {"public", "max-age=60"} <= directives(response)
    assert "csrftoken" not in response.cookies
    assert "sessionid" not in response.cookies


def test_a_members_leaderboard_is_private(podium: dict[str, Member]) -> None:
    response = logged_in(podium["ada"]).get("/leaderboard/")

    assert "private" in directives(response)
    assert "public" not in directives(response)


def test_the_main_navigation_links_to_the_leaderboard(client: Client) -> None:
    assert 'href="/leaderboard/">Leaderboard</a>' in client.get("/").content.decode()


def test_the_leaderboard_renders_in_italian(client: Client, podium: dict[str, Member]) -> None:
    response = client.get("/leaderboard/?period=month", HTTP_ACCEPT_LANGUAGE="it")

    html = response.content.decode()
    assert response["Content-Language"] == "it"
    assert '<html lang="it">' in html
    with translation.override("it"):
        for english in ("Leaderboard", "This week", "This month", "All time"):
            italian = translation.gettext(english)
            assert italian != english, f"{english!r} has no Italian translation"
            assert italian in html
    assert "<title>Classifica" in html
    assert ranking(html)[0] == (1, "ada")


def test_staff_on_the_leaderboard_carry_their_role_and_customers_none(
    client: Client, podium: dict[str, Member], agent: Member, moderator: Member
) -> None:
    # Role labels come from one query of group names for the whole board
    # (community.selectors.members_prime_groups), not from each member's groups.
    award(agent, 45)
    award(moderator, 35)
    html = client.get("/leaderboard/").content.decode()
    badges = dict(
        re.findall(
            r'class="byline-name" href="/members/([^/]+)/">[^<]*</a>\s*'
            r'(?:<span class="role-badge">([^<]*)</span>)?',
            html,
        )
    )

    assert badges["agent"] == "Agent"
    assert badges["moderator"] == "Moderator"
    assert all(badges[name] == "" for name in podium)
