"""Helpers for the gamification tests: members, content written through the community
services (so the receivers run exactly as they do for members), and readers of the ledger
and of the totals derived from it.
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

from community import services
from community.models import Board, Member, Post, Thread
from gamification.models import LeaderboardScore, LedgerEntry, MemberScore
from gamification.periods import period_starts
from tests.factories import MemberFactory

_numbers = itertools.count(1)

QUESTION_BODY = "My phone stopped charging after the last update, what can I do?"
ANSWER_BODY = "Try another cable and restart the phone while it is plugged in."
A_MONTH = timedelta(days=30)


def local_time(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in the community's time zone (Europe/London unless TIME_ZONE says otherwise)."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone.get_current_timezone())


def board_make(name: str | None = None) -> Board:
    n = next(_numbers)
    return Board.objects.create(name=name or f"Board {n}", slug=f"g-board-{n}")


def member_make(**kwargs: Any) -> Member:
    """A member who joined a month ago: kudos they give pay points (see new_member_make)."""
    kwargs.setdefault("date_joined", timezone.now() - A_MONTH)
    return MemberFactory.create(**kwargs)


def new_member_make(**kwargs: Any) -> Member:
    """A member who joined just now: kudos they give pay nothing for the first 24 hours."""
    return MemberFactory.create(**kwargs)


def ask(author: Member, board: Board, *, body: str | None = None) -> Thread:
    """A question, through the service (receivers run), without the posting limits."""
    n = next(_numbers)
    return services.thread_create(
        author=author,
        board=board,
        title=f"Question number {n} about my phone",
        body=body or f"{QUESTION_BODY} (case {n})",
        check_limits=False,
    )


def answer(author: Member, thread: Thread, *, body: str | None = None) -> Post:
    """An answer, through the service (receivers run), without the posting limits."""
    n = next(_numbers)
    return services.post_create(
        author=author, thread=thread, body=body or f"{ANSWER_BODY} (tip {n})", check_limits=False
    )


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
