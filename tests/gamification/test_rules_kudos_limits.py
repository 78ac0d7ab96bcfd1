"""The limits on points from kudos: a daily cap, and nothing from brand-new accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from community import services
from community.models import Board, Member, Post, Thread
from gamification.models import GamificationSettings, LedgerEntry, Reason
from tests.builders import answer, ask, board_make, member_make, new_member_make
from tests.gamification.helpers import entries, ledger_sum, score

CAP_NOTE = "Daily limit of points from kudos reached."
NEW_ACCOUNT_NOTE = "Kudos from an account younger than a day pay no points."


@pytest.fixture
def board(db: None) -> Board:
    return board_make()


@pytest.fixture
def asker(db: None) -> Member:
    return member_make(username="asker")


@pytest.fixture
def helper(db: None) -> Member:
    return member_make(username="helper")


@pytest.fixture
def thread(asker: Member, board: Board) -> Thread:
    return ask(asker, board)


@pytest.fixture
def post(helper: Member, thread: Thread) -> Post:
    return answer(helper, thread)


def kudos_entries(member: Member) -> list[LedgerEntry]:
    return entries(member, reason__in=[Reason.KUDOS_ON_ANSWER, Reason.KUDOS_ON_QUESTION])


# --- the daily cap --------------------------------------------------------------------------


def test_the_twenty_first_answer_kudos_of_a_day_pays_nothing_with_a_note(
    helper: Member, post: Post
) -> None:
    givers = [member_make() for _ in range(21)]
    for giver in givers[:20]:
        services.kudos_give(giver=giver, post=post)
    assert ledger_sum(helper, reason=Reason.KUDOS_ON_ANSWER) == 200
    assert all(e.note == "" for e in kudos_entries(helper))

    services.kudos_give(giver=givers[20], post=post)

    last = kudos_entries(helper)[-1]
    assert last.actor_id == givers[20].pk
    assert (last.points, last.note) == (0, CAP_NOTE)
    assert ledger_sum(helper, reason=Reason.KUDOS_ON_ANSWER) == 200
    assert score(helper) == ledger_sum(helper)


def test_the_kudos_that_crosses_the_cap_pays_only_what_is_left(
    helper: Member, thread: Thread, post: Post, board: Board
) -> None:
    # 19 answer kudos (190) + kudos on the helper's question (5) leave 5 under the cap.
    own_question = ask(helper, board)
    givers = [member_make() for _ in range(20)]
    for giver in givers[:19]:
        services.kudos_give(giver=giver, post=post)
    services.kudos_give(giver=givers[0], thread=own_question)
    assert ledger_sum(helper, reason__in=[Reason.KUDOS_ON_ANSWER, Reason.KUDOS_ON_QUESTION]) == 195

    services.kudos_give(giver=givers[19], post=post)

    last = kudos_entries(helper)[-1]
    assert (last.points, last.note) == (5, CAP_NOTE)


def test_reversing_a_capped_award_takes_back_exactly_what_it_paid(
    helper: Member, thread: Thread, post: Post, board: Board
) -> None:
    own_question = ask(helper, board)
    givers = [member_make() for _ in range(21)]
    for giver in givers[:19]:
        services.kudos_give(giver=giver, post=post)
    services.kudos_give(giver=givers[0], thread=own_question)
    services.kudos_give(giver=givers[19], post=post)  # pays 5 of 10
    services.kudos_give(giver=givers[20], post=post)  # pays 0
    before = score(helper)

    services.kudos_withdraw(giver=givers[19], post=post)
    services.kudos_withdraw(giver=givers[20], post=post)

    withdrawn = entries(helper, reason=Reason.KUDOS_WITHDRAWN)
    assert [e.points for e in withdrawn] == [-5, 0]
    assert score(helper) == before - 5 == ledger_sum(helper)


def test_solutions_are_exempt_from_the_kudos_cap(
    asker: Member, helper: Member, thread: Thread, post: Post
) -> None:
    for _ in range(20):
        services.kudos_give(giver=member_make(), post=post)

    services.solution_accept(thread=thread, post=post, actor=asker)

    assert ledger_sum(helper, reason=Reason.SOLUTION_ANSWERER) == 15


def test_the_cap_counts_per_receiver(
    asker: Member, helper: Member, thread: Thread, post: Post
) -> None:
    givers = [member_make() for _ in range(21)]
    for giver in givers[:20]:
        services.kudos_give(giver=giver, post=post)

    services.kudos_give(giver=givers[20], thread=thread)  # to the asker, not capped

    assert ledger_sum(asker, reason=Reason.KUDOS_ON_QUESTION) == 5


def test_a_lower_cap_set_by_staff_applies(helper: Member, post: Post) -> None:
    config = GamificationSettings.current()
    config.kudos_daily_cap = 25
    config.save()

    points = []
    for _ in range(4):
        services.kudos_give(giver=member_make(), post=post)
        points.append(kudos_entries(helper)[-1].points)

    assert points == [10, 10, 5, 0]


def test_kudos_from_before_today_do_not_count_towards_todays_cap(
    helper: Member, post: Post
) -> None:
    for _ in range(20):
        services.kudos_give(giver=member_make(), post=post)
    # Yesterday's points: move the awards back a day.
    LedgerEntry.objects.filter(member=helper).update(
        created_at=timezone.now() - timedelta(days=1, hours=1)
    )

    services.kudos_give(giver=member_make(), post=post)

    assert kudos_entries(helper)[-1].points == 10


# --- new accounts ---------------------------------------------------------------------------


def test_kudos_from_an_account_younger_than_a_day_pay_nothing_with_a_note_in_the_history(
    helper: Member, post: Post
) -> None:
    newcomer = new_member_make()
    before = score(helper)

    services.kudos_give(giver=newcomer, post=post)

    [entry] = kudos_entries(helper)
    assert (entry.points, entry.note, entry.actor_id) == (0, NEW_ACCOUNT_NOTE, newcomer.pk)
    assert score(helper) == before
    # The history shows the kudos, with its note, next to the points that did pay.
    history = list(LedgerEntry.objects.filter(member=helper).order_by("-created_at", "-pk"))
    assert history[0] == entry


def test_kudos_on_a_question_from_a_new_account_pay_nothing_either(
    asker: Member, thread: Thread
) -> None:
    services.kudos_give(giver=new_member_make(), thread=thread)

    [entry] = kudos_entries(asker)
    assert (entry.points, entry.note) == (0, NEW_ACCOUNT_NOTE)


def test_kudos_from_an_account_just_over_a_day_old_pay(helper: Member, post: Post) -> None:
    giver = new_member_make(date_joined=timezone.now() - timedelta(hours=24, minutes=1))

    services.kudos_give(giver=giver, post=post)

    assert kudos_entries(helper)[-1].points == 10


def test_withdrawing_kudos_from_a_new_account_leaves_the_total_unchanged(
    helper: Member, post: Post
) -> None:
    newcomer = new_member_make()
    services.kudos_give(giver=newcomer, post=post)
    before = score(helper)

    services.kudos_withdraw(giver=newcomer, post=post)

    assert score(helper) == before == ledger_sum(helper)
