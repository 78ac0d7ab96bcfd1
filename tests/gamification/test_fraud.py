"""Serial voting: finding a member who gives one other member most of their kudos, and
reversing the points those kudos paid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from community import services
from community.models import Board, Kudos, Member, Post
from gamification.models import LedgerEntry, Reason
from gamification.services.fraud import SerialVoting, serial_voting_correct, serial_voting_find
from gamification.tasks import serial_voting_correct as serial_voting_correct_task
from tests.builders import answer, ask, board_make, member_make
from tests.gamification.helpers import entries, ledger_sum, score


@pytest.fixture
def board(db: None) -> Board:
    return board_make()


@pytest.fixture
def receiver(db: None) -> Member:
    return member_make(username="receiver")


@pytest.fixture
def voter(db: None) -> Member:
    return member_make(username="voter")


def answers_by(member: Member, board: Board, n: int) -> list[Post]:
    asker = member_make()
    return [answer(member, ask(asker, board)) for _ in range(n)]


def kudos_from(giver: Member, posts: list[Post]) -> None:
    for post in posts:
        services.kudos_give(giver=giver, post=post)


def test_a_pair_with_five_kudos_making_half_the_receivers_kudos_is_found(
    receiver: Member, voter: Member, board: Board
) -> None:
    posts = answers_by(receiver, board, 10)
    kudos_from(voter, posts[:5])
    for post in posts[5:]:
        services.kudos_give(giver=member_make(), post=post)

    assert serial_voting_find() == [SerialVoting(voter.pk, receiver.pk, 5, 0.5)]


def test_four_kudos_are_not_enough_even_if_they_are_all_the_receiver_got(
    receiver: Member, voter: Member, board: Board
) -> None:
    kudos_from(voter, answers_by(receiver, board, 4))

    assert serial_voting_find() == []


def test_five_kudos_that_are_under_half_of_what_the_receiver_got_are_not_serial(
    receiver: Member, voter: Member, board: Board
) -> None:
    posts = answers_by(receiver, board, 11)
    kudos_from(voter, posts[:5])
    for post in posts[5:]:
        services.kudos_give(giver=member_make(), post=post)

    assert serial_voting_find() == []


def test_kudos_older_than_thirty_days_are_not_counted(
    receiver: Member, voter: Member, board: Board
) -> None:
    kudos_from(voter, answers_by(receiver, board, 6))
    old = Kudos.objects.filter(giver=voter).order_by("pk")[:2]
    Kudos.objects.filter(pk__in=list(old.values_list("pk", flat=True))).update(
        created_at=timezone.now() - timedelta(days=31)
    )

    assert serial_voting_find() == []


def test_correcting_reverses_the_serial_kudos_with_voting_corrected_rows_and_nothing_else(
    receiver: Member, voter: Member, board: Board
) -> None:
    posts = answers_by(receiver, board, 8)
    kudos_from(voter, posts[:6])
    honest = member_make()
    services.kudos_give(giver=honest, post=posts[6])
    earned_otherwise = score(receiver) - 60

    corrected = serial_voting_correct()

    assert corrected == 6
    rows = entries(receiver, reason=Reason.VOTING_CORRECTED)
    assert len(rows) == 6
    voter_kudos = {
        f"kudos:{pk}" for pk in Kudos.objects.filter(giver=voter).values_list("pk", flat=True)
    }
    assert {row.source for row in rows} == voter_kudos
    assert all(row.reverses is not None and row.points == -10 for row in rows)
    assert all(row.note == "Many kudos from one member in a short time." for row in rows)
    assert score(receiver) == earned_otherwise == ledger_sum(receiver)
    # The honest kudos still pays; the kudos themselves stay (only the points go).
    honest_kudos = Kudos.objects.get(giver=honest)
    assert not LedgerEntry.objects.filter(
        source=f"kudos:{honest_kudos.pk}", reason=Reason.VOTING_CORRECTED
    ).exists()
    assert Kudos.objects.filter(giver=voter).count() == 6


def test_correcting_twice_corrects_nothing_the_second_time(
    receiver: Member, voter: Member, board: Board
) -> None:
    kudos_from(voter, answers_by(receiver, board, 5))
    assert serial_voting_correct() == 5
    total = score(receiver)

    assert serial_voting_correct() == 0
    assert serial_voting_correct_task.delay().get() == 0
    assert score(receiver) == total
    assert LedgerEntry.objects.filter(reason=Reason.VOTING_CORRECTED).count() == 5


def test_a_corrected_kudos_withdrawn_later_is_not_reversed_again(
    receiver: Member, voter: Member, board: Board
) -> None:
    posts = answers_by(receiver, board, 5)
    kudos_from(voter, posts)
    serial_voting_correct()
    total = score(receiver)

    services.kudos_withdraw(giver=voter, post=posts[0])

    assert score(receiver) == total
    assert not entries(receiver, reason=Reason.KUDOS_WITHDRAWN)


def test_the_daily_task_corrects_through_the_service(
    receiver: Member, voter: Member, board: Board
) -> None:
    kudos_from(voter, answers_by(receiver, board, 5))

    assert serial_voting_correct_task.delay().get() == 5
