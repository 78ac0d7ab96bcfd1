"""The ledger's derived totals: MemberScore and the week/month/all/payback leaderboard rows,
overall and per board, moving with every award and reversal, and dated by the entry."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from community import services
from community.models import Board, Member
from gamification import events
from gamification.models import ALL_TIME_START, LeaderboardScore, LedgerEntry, Period, Reason
from gamification.periods import period_start, period_starts
from gamification.services import ledger
from tests.builders import answer, ask, board_make, member_make
from tests.gamification.helpers import (
    capture,
    leaderboard,
    leaderboard_at,
    ledger_sum,
    local_time,
    score,
)

PERIODS = [Period.WEEK, Period.MONTH, Period.ALL, Period.PAYBACK]


@pytest.fixture
def member(db: None) -> Member:
    return member_make()


@pytest.fixture
def board(db: None) -> Board:
    return board_make()


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return local_time(year, month, day, hour)


def insert_at(
    member: Member, moment: datetime, points: int, *, board_id: int | None = None, source: str = ""
) -> LedgerEntry:
    """An award dated `moment`, written through the ledger's own insert (which moves totals)."""
    entry = ledger._insert(
        LedgerEntry(
            member=member,
            points=points,
            reason=Reason.KUDOS_ON_ANSWER,
            source=source or f"test:{moment.isoformat()}:{points}:{board_id}",
            board_id=board_id,
            created_at=moment,
        )
    )
    assert entry is not None
    return entry


def test_an_award_moves_the_total_and_every_period_row_overall_and_on_its_board(
    member: Member, board: Board
) -> None:
    ledger.points_award(
        member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="a", points=10, board_id=board.pk
    )
    ledger.points_award(member_id=member.pk, reason=Reason.CLAWBACK, source="b", points=-3)

    assert score(member) == 7
    for period in PERIODS:
        assert leaderboard(member, period) == 7
        assert leaderboard(member, period, board_id=board.pk) == 10
    # Four periods overall and four on the board: one row each.
    assert LeaderboardScore.objects.filter(member=member).count() == 8


def test_a_reversal_moves_every_row_back(member: Member, board: Board) -> None:
    award = ledger.points_award(
        member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="a", points=10, board_id=board.pk
    )
    assert award is not None

    ledger.points_reverse(award=award, reason=Reason.KUDOS_WITHDRAWN)

    assert score(member) == 0
    for period in PERIODS:
        assert leaderboard(member, period) == 0
        assert leaderboard(member, period, board_id=board.pk) == 0


def test_a_repeated_award_writes_nothing_and_moves_nothing(member: Member, board: Board) -> None:
    def pay() -> LedgerEntry | None:
        return ledger.points_award(
            member_id=member.pk,
            reason=Reason.KUDOS_ON_ANSWER,
            source="kudos:1",
            points=10,
            board_id=board.pk,
        )

    first = pay()
    with capture(events.points_changed) as sent:
        again = pay()

    assert first is not None
    assert again is None
    assert sent == []
    assert score(member) == 10
    assert leaderboard(member, Period.WEEK, board_id=board.pk) == 10


def test_points_changed_is_sent_for_each_new_row(member: Member) -> None:
    with capture(events.points_changed) as sent:
        entry = ledger.points_award(
            member_id=member.pk, reason=Reason.QUESTION_ASKED, source="thread:1", points=1
        )

    assert entry is not None
    assert sent == [
        {
            "entry_id": entry.pk,
            "member_id": member.pk,
            "points": 1,
            "reason": Reason.QUESTION_ASKED,
        }
    ]


def test_a_zero_point_award_is_recorded_but_creates_no_rows(member: Member) -> None:
    entry = ledger.points_award(
        member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="kudos:5", points=0, note="x"
    )

    assert entry is not None and entry.pk
    assert not LeaderboardScore.objects.filter(member=member).exists()
    assert score(member) == 0


def test_community_actions_move_the_board_rows_of_the_board_they_happened_on(
    board: Board,
) -> None:
    asker, helper, giver = member_make(), member_make(), member_make()
    other_board = board_make()
    post = answer(helper, ask(asker, board))
    elsewhere = answer(helper, ask(asker, other_board))

    services.kudos_give(giver=giver, post=post)
    services.kudos_give(giver=giver, post=elsewhere)
    services.kudos_withdraw(giver=giver, post=elsewhere)

    for period in PERIODS:
        assert leaderboard(helper, period) == score(helper) == 7 + 10 + 7
        assert leaderboard(helper, period, board_id=board.pk) == 7 + 10
        assert leaderboard(helper, period, board_id=other_board.pk) == 7  # kudos withdrawn
        assert leaderboard(asker, period, board_id=other_board.pk) == 1


# --- period boundaries ----------------------------------------------------------------------


def test_period_starts_are_monday_the_first_of_the_month_and_the_payback_start() -> None:
    # Wednesday 15 January 2025.
    assert period_starts(at(2025, 1, 15)) == {
        Period.WEEK: date(2025, 1, 13),
        Period.MONTH: date(2025, 1, 1),
        Period.ALL: ALL_TIME_START,
        Period.PAYBACK: date(2024, 12, 1),
    }
    assert period_start(Period.PAYBACK, date(2025, 6, 1)) == date(2025, 6, 1)
    assert period_start(Period.PAYBACK, date(2025, 11, 30)) == date(2025, 6, 1)
    assert period_start(Period.PAYBACK, date(2025, 12, 1)) == date(2025, 12, 1)
    assert period_start(Period.WEEK, date(2025, 1, 13)) == date(2025, 1, 13)
    assert period_start(Period.WEEK, date(2025, 1, 19)) == date(2025, 1, 13)


def test_period_starts_use_the_community_time_zone() -> None:
    # 23:30 UTC on Sunday 31 August 2025 is already Monday 1 September in London (BST).
    late = datetime(2025, 8, 31, 23, 30, tzinfo=UTC)

    starts = period_starts(late)

    assert starts[Period.WEEK] == date(2025, 9, 1)
    assert starts[Period.MONTH] == date(2025, 9, 1)


def test_an_entry_dated_last_week_counts_in_last_weeks_row_not_this_weeks(member: Member) -> None:
    sunday, monday = at(2025, 3, 9, 23), at(2025, 3, 10, 0)

    insert_at(member, sunday, 10)
    insert_at(member, monday, 3)

    assert leaderboard_at(member, Period.WEEK, date(2025, 3, 3)) == 10
    assert leaderboard_at(member, Period.WEEK, date(2025, 3, 10)) == 3
    assert leaderboard_at(member, Period.MONTH, date(2025, 3, 1)) == 13
    assert leaderboard_at(member, Period.ALL, ALL_TIME_START) == 13


def test_an_entry_dated_last_month_counts_in_last_months_row(member: Member, board: Board) -> None:
    insert_at(member, at(2025, 4, 30, 23), 10, board_id=board.pk)
    insert_at(member, at(2025, 5, 1, 0), 4, board_id=board.pk)

    assert leaderboard_at(member, Period.MONTH, date(2025, 4, 1)) == 10
    assert leaderboard_at(member, Period.MONTH, date(2025, 5, 1)) == 4
    assert leaderboard_at(member, Period.MONTH, date(2025, 4, 1), board_id=board.pk) == 10
    assert leaderboard_at(member, Period.MONTH, date(2025, 5, 1), board_id=board.pk) == 4


@pytest.mark.parametrize(
    ("last_day", "first_day", "old_start", "new_start"),
    [
        (at(2025, 5, 31, 22), at(2025, 6, 1, 1), date(2024, 12, 1), date(2025, 6, 1)),
        (at(2025, 11, 30, 22), at(2025, 12, 1, 1), date(2025, 6, 1), date(2025, 12, 1)),
    ],
)
def test_an_entry_on_the_last_day_of_a_payback_period_counts_in_that_period(
    member: Member, last_day: datetime, first_day: datetime, old_start: date, new_start: date
) -> None:
    insert_at(member, last_day, 10)
    insert_at(member, first_day, 1)

    assert leaderboard_at(member, Period.PAYBACK, old_start) == 10
    assert leaderboard_at(member, Period.PAYBACK, new_start) == 1


def test_reversing_last_weeks_award_this_week_lowers_this_weeks_row(member: Member) -> None:
    # A reversal is dated when it happens: last week's row keeps what was earned then.
    last_week = timezone.now() - timedelta(days=7)
    award = insert_at(member, last_week, 10)

    ledger.points_reverse(award=award, reason=Reason.KUDOS_WITHDRAWN)

    assert leaderboard(member, Period.WEEK, when=last_week) == 10
    assert leaderboard(member, Period.WEEK) == -10
    assert leaderboard(member, Period.ALL) == 0
    assert score(member) == 0 == ledger_sum(member)
