"""Helpers for the gamification page and API tests (test_pages_*.py, test_api_*.py).

Points come the way the site pays them: through the community services (the receivers
write the ledger) or gamification.services.ledger.points_award. Only the big-community
query budgets write rows in bulk: ten thousand members through the factories would take
minutes and measure nothing more.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from community.models import Board, Member
from gamification.models import (
    LeaderboardScore,
    LedgerEntry,
    MemberScore,
    Period,
    Rank,
    Reason,
    RewardPeriod,
    Statement,
)
from gamification.periods import payback_period_bounds, period_starts
from gamification.services.ledger import points_award
from gamification.services.payback import reward_period_close, reward_period_for
from gamification.services.rebuild import gamification_rebuild

_serial = itertools.count(1)
A_MONTH = timedelta(days=30)


def award(
    member: Member,
    points: int,
    *,
    board: Board | None = None,
    reason: str = Reason.ANSWER_POSTED,
    note: str = "",
    source_url: str = "",
) -> LedgerEntry:
    """Pay `member` through the ledger service: totals, ranks and leaderboards follow."""
    entry = points_award(
        member_id=member.pk,
        reason=reason,
        source=f"test:{next(_serial)}",
        points=points,
        board_id=board.pk if board else None,
        source_url=source_url,
        note=note,
    )
    assert entry is not None
    return entry


def crowd_bulk(count: int, prefix: str = "bulk") -> list[Member]:
    """`count` members in one INSERT: usernames and an unusable password, nothing else."""
    start = next(_serial) * 100_000
    unusable = make_password(None)
    joined = timezone.now() - A_MONTH
    members = Member.objects.bulk_create(
        [
            Member(username=f"{prefix}{start + i}", password=unusable, date_joined=joined)
            for i in range(count)
        ],
        batch_size=2000,
    )
    assert all(m.pk for m in members)  # SQLite 3.35+ and PostgreSQL return the ids
    return members


def scores_bulk(
    members: Sequence[Member], points: Sequence[int], *, board: Board | None = None
) -> None:
    """Leaderboard rows for every current period (and totals for the overall board), as the
    ledger would have left them, in a few INSERTs."""
    starts: dict[str, date] = period_starts(timezone.now())
    LeaderboardScore.objects.bulk_create(
        [
            LeaderboardScore(
                member_id=member.pk,
                period=period,
                start=starts[period],
                board_id=board.pk if board else None,
                points=value,
            )
            for member, value in zip(members, points, strict=True)
            for period in Period.values
        ],
        batch_size=2000,
    )
    if board is None:
        ranks = list(Rank.objects.order_by("-min_points"))
        MemberScore.objects.bulk_create(
            [
                MemberScore(
                    member_id=member.pk,
                    points=value,
                    rank=next((r for r in ranks if r.min_points <= max(value, 0)), None),
                )
                for member, value in zip(members, points, strict=True)
            ],
            batch_size=2000,
        )


def last_payback_day() -> date:
    """The last day of the payback period before the running one."""
    start, _end = payback_period_bounds(timezone.localdate())
    return start - timedelta(days=1)


def closed_period(points: dict[Member, int]) -> tuple[RewardPeriod, dict[str, Statement]]:
    """The previous payback period, closed by the service, after each member earned `points`
    in it (awards written now through the ledger, then dated back into the period and the
    derived totals rebuilt).

    Returns the period and each member's statement by username.
    """
    day = last_payback_day()
    moment = timezone.make_aware(datetime.combine(day, time(12, 0)))
    for member, value in points.items():
        entry = award(member, value)
        LedgerEntry.objects.filter(pk=entry.pk).update(created_at=moment)
    gamification_rebuild(fix=True)  # the leaderboards follow the ledger's new dates
    period = reward_period_for(day)
    statements = reward_period_close(period=period)
    period.refresh_from_db()
    return period, {s.member.username: s for s in statements}
