"""Helpers for the gamification tests: readers of the ledger and of the totals derived
from it. Members and content come from tests/builders.py, through the community services, so
the receivers run exactly as they do for members.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, Sum
from django.dispatch import Signal
from django.utils import timezone

from community.models import Member, Post, Thread
from gamification.models import LeaderboardScore, LedgerEntry, MemberScore
from gamification.periods import period_starts

_numbers = itertools.count(1)

A_MONTH = timedelta(days=30)


def local_time(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in the community's time zone (Europe/London unless TIME_ZONE says otherwise)."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def backdate(obj: Thread | Post, *, by: timedelta) -> None:
    """Pretend `obj` was written `by` ago (no freezegun here): a queryset update."""
    type(obj).objects.filter(pk=obj.pk).update(created_at=timezone.now() - by)
    obj.refresh_from_db(fields=["created_at"])


# --- reading the ledger and the derived totals ----------------------------------------------


def ledger_sum(member: Member | int, **filters: Any) -> int:
    member_id = member if isinstance(member, int) else member.pk
    total = LedgerEntry.objects.filter(member_id=member_id, **filters).aggregate(t=Sum("points"))
    return int(total["t"] or 0)


def score(member: Member | int) -> int:
    """The stored running total (MemberScore.points), 0 when the member has no row."""
    member_id = member if isinstance(member, int) else member.pk
    row = MemberScore.objects.filter(member_id=member_id).first()
    return row.points if row else 0


def entries(member: Member, **filters: Any) -> list[LedgerEntry]:
    return list(LedgerEntry.objects.filter(member=member, **filters).order_by("pk"))


def reasons(member: Member) -> list[tuple[str, int]]:
    """The member's ledger as (reason, points), oldest first."""
    return [(e.reason, e.points) for e in entries(member)]


def leaderboard(
    member: Member, period: str, *, when: datetime | None = None, board_id: int | None = None
) -> int:
    """The stored leaderboard points of `member` in the `period` containing `when` (now)."""
    start = period_starts(when or timezone.now())[period]
    return leaderboard_at(member, period, start, board_id=board_id)


def leaderboard_at(member: Member, period: str, start: date, *, board_id: int | None = None) -> int:
    match = Q(member=member, period=period, start=start)
    match &= Q(board_id=board_id) if board_id is not None else Q(board_id__isnull=True)
    row = LeaderboardScore.objects.filter(match).first()
    return row.points if row else 0


# --- signals --------------------------------------------------------------------------------


@contextmanager
def capture(signal: Signal) -> Iterator[list[dict[str, Any]]]:
    """Record the keyword arguments of every send of `signal` while the block runs."""
    sent: list[dict[str, Any]] = []

    def receiver(signal: Signal, sender: object, **kwargs: Any) -> None:
        sent.append(kwargs)

    uid = f"gamification-tests-capture-{id(sent)}"
    signal.connect(receiver, weak=False, dispatch_uid=uid)
    try:
        yield sent
    finally:
        signal.disconnect(dispatch_uid=uid)
