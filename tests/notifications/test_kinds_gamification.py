"""Who hears about badges, ranks, reversed points and payback statements, and who doesn't.

Driven through gamification's services (badges_evaluate, the ledger, reward_period_close)
and the community actions that pay or reverse points.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from community import services
from community.models import Member
from gamification.models import LedgerEntry, Reason
from gamification.services.badges import badges_evaluate
from gamification.services.ledger import points_award, points_reverse
from gamification.services.payback import reward_period_close, reward_period_for
from notifications.messages import message_for
from notifications.models import Kind
from tests.builders import answer, ask, board_make, member_make
from tests.notifications.kinds_helpers import assert_message, kinds_of, of, only, recipients

pytestmark = pytest.mark.django_db


# --- badge ----------------------------------------------------------------------------------


def test_a_badge_earned_tells_the_member_who_earned_it(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())
    answer(helper, thread)

    awarded = badges_evaluate(member_id=asker.pk)

    assert [a.badge for a in awarded] == ["first-question"]
    assert recipients(Kind.BADGE) == {"asker"}
    notification = only(asker, Kind.BADGE)
    assert notification.url == reverse("badge-detail", kwargs={"slug": "first-question"})
    assert notification.actor is None
    assert_message(notification, "You earned the “Curious” badge.")
    # The helper qualifies for a badge too, but is told only once it is awarded.
    assert kinds_of(helper) == set()
    assert kinds_of(outsider) == set()


def test_evaluating_badges_again_tells_nobody_anything_new(asker: Member, outsider: Member) -> None:
    ask(asker, board_make())
    badges_evaluate(member_id=asker.pk)

    assert badges_evaluate(member_id=asker.pk) == []
    assert badges_evaluate(member_id=outsider.pk) == []

    assert recipients(Kind.BADGE) == {"asker"}
    assert len(of(asker, Kind.BADGE)) == 1


# --- rank -----------------------------------------------------------------------------------


def test_a_promotion_tells_the_member_but_the_first_rank_and_a_demotion_do_not(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())
    answer(helper, thread)  # the first points: the starting rank
    helper.refresh_from_db()
    assert helper.rank_name == "Newcomer"
    assert recipients(Kind.RANK) == set()

    award = points_award(
        member_id=helper.pk, reason=Reason.KUDOS_ON_ANSWER, source="kinds:promotion", points=60
    )

    helper.refresh_from_db()
    assert helper.rank_name == "Member"
    assert recipients(Kind.RANK) == {"helper"}
    notification = only(helper, Kind.RANK)
    assert notification.url == reverse("rank-list")
    assert_message(notification, "You reached the rank Member.")

    assert award is not None
    points_reverse(award=award, reason=Reason.VOTING_CORRECTED)

    helper.refresh_from_db()
    assert helper.rank_name == "Newcomer"
    assert len(of(helper, Kind.RANK)) == 1  # no news of a demotion
    assert kinds_of(asker) == {Kind.ANSWER}
    assert kinds_of(outsider) == set()


# --- points_reversed ------------------------------------------------------------------------


def test_withdrawn_kudos_tell_the_receiver_their_points_were_reversed(
    asker: Member, helper: Member, outsider: Member
) -> None:
    post = answer(helper, ask(asker, board_make()))
    giver = member_make("giver")  # joined a month ago: the kudos pay points
    services.kudos_give(giver=giver, post=post)
    assert recipients(Kind.POINTS_REVERSED) == set()  # awards are not news of this kind

    services.kudos_withdraw(giver=giver, post=post)

    assert recipients(Kind.POINTS_REVERSED) == {"helper"}
    notification = only(helper, Kind.POINTS_REVERSED)
    assert notification.url == reverse("member-points", kwargs={"username": "helper"})
    assert notification.data["points"] == 10
    assert_message(notification, "10 points were reversed: Kudos withdrawn.")
    assert kinds_of(giver) == set()
    assert kinds_of(outsider) == set()


def test_withdrawn_kudos_that_paid_nothing_reverse_nothing_and_tell_nobody(
    asker: Member, helper: Member, outsider: Member
) -> None:
    post = answer(helper, ask(asker, board_make()))
    services.kudos_give(giver=outsider, post=post)  # joined today: no points

    services.kudos_withdraw(giver=outsider, post=post)

    assert recipients(Kind.POINTS_REVERSED) == set()


def test_a_withdrawn_solution_tells_the_answerer_but_not_the_asker_who_withdrew_it(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="Hotspot keeps disconnecting")
    post = answer(helper, thread)
    services.solution_accept(thread=thread, post=post, actor=asker)

    services.solution_withdraw(thread=thread, actor=asker)

    # The asker's own 2 points are reversed too, but they withdrew it themselves.
    assert LedgerEntry.objects.filter(member=asker, reason=Reason.SOLUTION_WITHDRAWN).exists()
    assert recipients(Kind.POINTS_REVERSED) == {"helper"}
    assert_message(
        only(helper, Kind.POINTS_REVERSED), "15 points were reversed: Solution withdrawn."
    )
    assert kinds_of(outsider) == set()


def test_a_moderator_deleting_an_answer_tells_its_author_of_the_points_reversed(
    asker: Member, helper: Member, moderator: Member
) -> None:
    post = answer(helper, ask(asker, board_make()))

    services.post_delete(post=post, actor=moderator)

    assert recipients(Kind.POINTS_REVERSED) == {"helper"}
    # One per ledger row reversed: the answer's points and its fast-answer bonus.
    assert sorted(message_for(n) for n in of(helper, Kind.POINTS_REVERSED)) == [
        "2 points were reversed: Content removed.",
        "5 points were reversed: Content removed.",
    ]


def test_deleting_your_own_answer_tells_you_nothing(asker: Member, helper: Member) -> None:
    post = answer(helper, ask(asker, board_make()))

    services.post_delete(post=post, actor=helper)

    assert LedgerEntry.objects.filter(member=helper, reason=Reason.CONTENT_REMOVED).exists()
    assert recipients(Kind.POINTS_REVERSED) == set()


# --- statement ------------------------------------------------------------------------------

WINTER = date(2024, 1, 15)  # in the period 1 December 2023 - 31 May 2024
CLOSING_DAY = date(2024, 6, 1)


def earn(member: Member, points: int, *, source: str) -> None:
    """Points written through the ledger, dated inside the closed period."""
    entry = points_award(
        member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source=source, points=points
    )
    assert entry is not None
    when = timezone.make_aware(datetime.combine(WINTER, time(12)))
    LedgerEntry.objects.filter(pk=entry.pk).update(created_at=when)


def test_closing_a_period_tells_each_member_with_a_statement_and_nobody_else(
    asker: Member, helper: Member, outsider: Member, agent: Member
) -> None:
    earn(helper, 600, source="kinds:helper")
    earn(asker, 100, source="kinds:asker")  # below the minimum payout: still a statement
    period = reward_period_for(WINTER)

    statements = reward_period_close(period=period, today=CLOSING_DAY)

    assert {s.member.username for s in statements} == {"helper", "asker"}
    assert recipients(Kind.STATEMENT) == {"helper", "asker"}
    notification = only(helper, Kind.STATEMENT)
    assert notification.url == reverse("rewards")
    assert_message(notification, "£6.00 for 600 points")
    assert_message(only(asker, Kind.STATEMENT), "£1.00 for 100 points")
    assert kinds_of(outsider) == set()
    assert kinds_of(agent) == set()


def test_closing_a_closed_period_again_tells_nobody_twice(helper: Member) -> None:
    earn(helper, 600, source="kinds:again")
    period = reward_period_for(WINTER)
    reward_period_close(period=period, today=CLOSING_DAY)

    reward_period_close(period=period, today=CLOSING_DAY)

    assert len(of(helper, Kind.STATEMENT)) == 1
