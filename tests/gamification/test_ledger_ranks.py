"""Ranks follow the running total: crossing a threshold moves MemberScore.rank and the
member's shown rank, and announces rank_changed; falling back below lowers them again."""

from __future__ import annotations

import pytest

from community import services
from community.models import Member
from gamification import events
from gamification.models import LedgerEntry, MemberScore, Rank, Reason
from gamification.services import ledger
from tests.builders import answer, ask, board_make, member_make
from tests.gamification.helpers import capture


@pytest.fixture
def member(db: None) -> Member:
    return member_make()


def award(member: Member, points: int, source: str) -> LedgerEntry:
    entry = ledger.points_award(
        member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source=source, points=points
    )
    assert entry is not None
    return entry


def rank_of(member: Member) -> tuple[str | None, str, int]:
    """(MemberScore.rank, Member.rank_name, Member.rank_level) as stored."""
    score = MemberScore.objects.select_related("rank").get(member=member)
    member.refresh_from_db(fields=["rank_name", "rank_level"])
    return (score.rank.name if score.rank else None, member.rank_name, member.rank_level)


def test_the_first_point_makes_a_member_a_newcomer(member: Member) -> None:
    assert (member.rank_name, member.rank_level) == ("", 0)

    award(member, 1, "a")

    assert rank_of(member) == ("Newcomer", "Newcomer", 1)


def test_crossing_fifty_points_makes_a_member_a_member_and_announces_it(member: Member) -> None:
    award(member, 49, "a")
    assert rank_of(member) == ("Newcomer", "Newcomer", 1)
    newcomer, member_rank = Rank.objects.get(name="Newcomer"), Rank.objects.get(name="Member")

    with capture(events.rank_changed) as sent:
        award(member, 1, "b")

    assert rank_of(member) == ("Member", "Member", 2)
    assert sent == [
        {"member_id": member.pk, "old_rank_id": newcomer.pk, "new_rank_id": member_rank.pk}
    ]


def test_points_that_stay_inside_a_rank_announce_nothing(member: Member) -> None:
    award(member, 60, "a")

    with capture(events.rank_changed) as sent:
        award(member, 10, "b")

    assert sent == []
    assert rank_of(member)[0] == "Member"


def test_falling_back_below_fifty_lowers_the_rank_again(member: Member) -> None:
    award(member, 45, "a")
    kudos = award(member, 10, "b")
    assert rank_of(member)[1] == "Member"

    with capture(events.rank_changed) as sent:
        ledger.points_reverse(award=kudos, reason=Reason.KUDOS_WITHDRAWN)

    assert rank_of(member) == ("Newcomer", "Newcomer", 1)
    assert [s["new_rank_id"] for s in sent] == [Rank.objects.get(name="Newcomer").pk]


def test_a_big_award_jumps_straight_to_the_rank_it_reaches(member: Member) -> None:
    award(member, 1200, "a")

    assert rank_of(member) == ("Expert", "Expert", 4)


def test_a_negative_total_is_still_a_newcomer(member: Member) -> None:
    award(member, 10, "a")
    award(member, -30, "b")

    assert rank_of(member)[0] == "Newcomer"


@pytest.mark.django_db
def test_kudos_through_the_community_promote_the_answerer() -> None:
    asker, helper = member_make(), member_make()
    post = answer(helper, ask(asker, board_make()))  # 7 points
    givers = [member_make() for _ in range(5)]

    for giver in givers[:4]:
        services.kudos_give(giver=giver, post=post)
    assert rank_of(helper)[1] == "Newcomer"  # 47
    services.kudos_give(giver=givers[4], post=post)  # 57

    assert rank_of(helper)[1] == "Member"
    services.kudos_withdraw(giver=givers[4], post=post)
    assert rank_of(helper)[1] == "Newcomer"
