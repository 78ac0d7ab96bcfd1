"""GET /api/v1/members/{username}/ and GET /api/v1/members/{username}/points/."""

from __future__ import annotations

import pytest
from django.utils.dateparse import parse_datetime

from community import services
from community.models import Member
from gamification.models import BadgeAward, Reason
from tests.builders import api_client, board_make, member_make
from tests.gamification.pages_factories import award

pytestmark = pytest.mark.django_db

SUMMARY = {"username", "display_name", "avatar_url", "rank", "is_staff", "url"}


@pytest.fixture
def earner() -> Member:
    return member_make("earner", display_name="Erin Earner")


def test_a_member_comes_with_points_next_rank_badges_and_stats(earner: Member) -> None:
    asker = member_make("asker3")
    thread = services.thread_create(
        author=asker,
        board=board_make(),
        title="My top-up has not arrived",
        body="I paid ten pounds an hour ago.",
        check_limits=False,
    )
    post = services.post_create(
        author=earner, thread=thread, body="It can take two hours.", check_limits=False
    )
    services.kudos_give(giver=asker, post=post)
    services.solution_accept(thread=thread, post=post, actor=asker)
    award(earner, 30)  # 2 + 5 + 10 + 15 + 30 = 62: "Member" from 50, "Helper" at 200
    BadgeAward.objects.create(member=earner, badge="first-answer")

    response = api_client().get("/api/v1/members/earner/")

    assert response.status_code == 200
    data = response.json()
    assert set(data) >= SUMMARY
    assert data["username"] == "earner"
    assert data["display_name"] == "Erin Earner"
    assert data["url"] == "/members/earner/"
    assert data["rank"] == {"name": "Member", "label": "Member", "level": 2}
    assert data["is_staff"] is False
    assert data["points"] == 62
    assert data["next_rank"] == {"name": "Helper", "label": "Helper", "min_points": 200}
    assert data["points_to_next_rank"] == 138
    assert [b["slug"] for b in data["badges"]] == ["first-answer"]
    badge = data["badges"][0]
    assert badge["name"] == "Helping hand"
    assert badge["tier"] == "bronze"
    assert badge["icon_url"] == "/badges/first-answer/icon.svg"
    assert parse_datetime(badge["awarded_at"]) is not None
    assert data["stats"] == {"questions": 0, "answers": 1, "solutions": 1, "kudos_received": 1}


def test_a_member_without_points_is_a_newcomer_on_the_way_to_member(earner: Member) -> None:
    data = api_client().get("/api/v1/members/earner/").json()

    assert data["points"] == 0
    assert data["rank"] is None  # no rank stored on the member until they earn a point
    assert data["next_rank"] == {"name": "Member", "label": "Member", "min_points": 50}
    assert data["points_to_next_rank"] == 50
    assert data["badges"] == []
    assert data["stats"] == {"questions": 0, "answers": 0, "solutions": 0, "kudos_received": 0}


def test_at_the_highest_rank_there_is_no_next_rank(earner: Member) -> None:
    award(earner, 25_000)

    data = api_client().get("/api/v1/members/earner/").json()

    assert data["rank"] == {"name": "Legend", "label": "Legend", "level": 6}
    assert data["next_rank"] is None
    assert data["points_to_next_rank"] == 0


def test_an_unknown_member_is_a_404(earner: Member) -> None:
    response = api_client().get("/api/v1/members/nobody/")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_staff_are_marked_as_staff(agent: Member) -> None:
    assert api_client().get("/api/v1/members/agent/").json()["is_staff"] is True


# ---------------------------------------------------------------------------- points


@pytest.fixture
def history(earner: Member) -> list[int]:
    """Three rows, the last a reversal-like negative with a note and a link."""
    award(earner, 2, source_url="/threads/1/a/")
    award(earner, 10, reason=Reason.KUDOS_ON_ANSWER)
    award(earner, -10, reason=Reason.VOTING_CORRECTED, note="Serial voting.")
    return [2, 10, -10]


def test_the_member_reads_their_points_newest_first(earner: Member, history: list[int]) -> None:
    response = api_client(earner).get("/api/v1/members/earner/points/")

    assert response.status_code == 200
    data = response.json()
    assert {"next", "previous", "results"} <= set(data)
    assert [row["points"] for row in data["results"]] == list(reversed(history))
    newest = data["results"][0]
    assert {"points", "reason", "created_at", "source_url"} <= set(newest)
    assert newest["reason"] == "voting_corrected"
    assert newest["reason_label"] == "Voting corrected"
    assert newest["note"] == "Serial voting."
    assert data["results"][-1]["source_url"] == "/threads/1/a/"
    assert parse_datetime(newest["created_at"]).tzinfo is not None  # type: ignore[union-attr]


def test_anonymous_callers_get_a_401(earner: Member, history: list[int]) -> None:
    assert api_client().get("/api/v1/members/earner/points/").status_code == 401


def test_another_member_gets_a_403_with_the_reason(
    earner: Member, history: list[int], outsider: Member
) -> None:
    response = api_client(outsider).get("/api/v1/members/earner/points/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the member and staff can see a points history."}


def test_staff_read_anyones_points(earner: Member, history: list[int], moderator: Member) -> None:
    response = api_client(moderator).get("/api/v1/members/earner/points/")

    assert response.status_code == 200
    assert len(response.json()["results"]) == 3


def test_points_of_an_unknown_member_are_a_404_for_staff(moderator: Member) -> None:
    assert api_client(moderator).get("/api/v1/members/nobody/points/").status_code == 404


def test_the_points_history_pages_at_most_fifty_and_a_bad_page_is_a_404(earner: Member) -> None:
    for _ in range(55):
        award(earner, 1)
    client = api_client(earner)

    big = client.get("/api/v1/members/earner/points/", {"page_size": 500}).json()
    assert len(big["results"]) == 50
    assert big["next"] is not None
    for bad in ("abc", "0", "99"):
        response = client.get("/api/v1/members/earner/points/", {"page": bad})
        assert response.status_code == 404, bad
        assert "detail" in response.json()


def test_a_member_comes_with_what_their_rank_lets_them_do_and_what_unlocks_the_rest(
    earner: Member,
) -> None:
    award(earner, 15)

    data = api_client().get("/api/v1/members/earner/").json()

    by_key = {p["key"]: p for p in data["privileges"]}
    assert by_key["post_images"] == {
        "key": "post_images",
        "name": "Post images",
        "granted": False,
        "unlocked_at": "Member",
        "points_needed": 35,
    }
    assert by_key["retag"]["unlocked_at"] == "Helper"
    assert by_key["retag"]["points_needed"] == 185

    award(earner, 40)
    data = api_client().get("/api/v1/members/earner/").json()
    images = next(p for p in data["privileges"] if p["key"] == "post_images")
    assert images == {
        "key": "post_images",
        "name": "Post images",
        "granted": True,
        "unlocked_at": None,
        "points_needed": 0,
    }


def test_a_members_rank_has_a_label_in_the_language_of_the_request(earner: Member) -> None:
    award(earner, 25_000)

    data = api_client().get("/api/v1/members/earner/", headers={"accept-language": "it"}).json()

    assert data["rank"] == {"name": "Legend", "label": "Leggenda", "level": 6}
