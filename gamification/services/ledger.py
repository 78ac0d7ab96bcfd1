"""Writing the ledger and the totals derived from it.

Call these inside the transaction of the action that earns or loses the points (the
receivers do), so points and the action commit together or not at all. Each write is a
no-op when repeated: the ledger's unique constraint (member, reason, source) and the
one-reversal-per-award constraint decide.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet

from community import services as community_services
from gamification import events
from gamification.leaderboards import leaderboards_changed
from gamification.models import (
    LeaderboardScore,
    LedgerEntry,
    MemberScore,
    Rank,
)
from gamification.periods import period_starts


def points_award(
    *,
    member_id: int,
    reason: str,
    source: str,
    points: int,
    board_id: int | None = None,
    source_url: str = "",
    actor_id: int | None = None,
    note: str = "",
) -> LedgerEntry | None:
    """Write an award; None if this exact award was written before."""
    return _insert(
        LedgerEntry(
            member_id=member_id,
            points=points,
            reason=reason,
            source=source,
            board_id=board_id,
            source_url=source_url,
            actor_id=actor_id,
            note=note,
        )
    )


def points_reverse(
    *, award: LedgerEntry, reason: str, actor_id: int | None = None, note: str = ""
) -> LedgerEntry | None:
    """Cancel exactly what `award` paid, as a new row; None if it was reversed already."""
    return _insert(
        LedgerEntry(
            member_id=award.member_id,
            points=-award.points,
            reason=reason,
            source=award.source,
            board_id=award.board_id,
            source_url=award.source_url,
            actor_id=actor_id,
            reverses=award,
            note=note,
        )
    )


def active_awards(
    *, member_id: int | None = None, sources: list[str], reasons: set[str]
) -> QuerySet[LedgerEntry]:
    """Awards for these sources and reasons that no row has reversed yet."""
    qs = LedgerEntry.objects.filter(
        source__in=sources, reason__in=reasons, reversed_by__isnull=True
    )
    if member_id is not None:
        qs = qs.filter(member_id=member_id)
    return qs


def _insert(entry: LedgerEntry) -> LedgerEntry | None:
    # No savepoint of its own: inside the action's transaction (the usual case) an error
    # while applying the row must roll back the whole action, not just this row, and two
    # fewer statements per ledger row add up on a busy thread. The inner savepoint stays:
    # it lets a repeated event fail its INSERT without poisoning the transaction.
    with transaction.atomic(savepoint=False):
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError:
            return None
        _apply(entry)
        events.points_changed.send(
            sender=LedgerEntry,
            entry_id=entry.pk,
            member_id=entry.member_id,
            points=entry.points,
            reason=entry.reason,
        )
    return entry


def _apply(entry: LedgerEntry) -> None:
    """Move the derived totals by one ledger row."""
    if entry.points == 0:
        return
    # The total first: its row lock serializes everything applied to this member, which the
    # leaderboard rows rely on (leaderboards_bump).
    score_bump(member_id=entry.member_id, delta=entry.points)
    leaderboards_bump(
        member_id=entry.member_id,
        starts=period_starts(entry.created_at),
        board_id=entry.board_id,
        delta=entry.points,
    )
    leaderboards_changed()


def leaderboards_bump(
    *, member_id: int, starts: dict[str, date], board_id: int | None, delta: int
) -> None:
    """Add `delta` to the member's row of every period, overall and on `board_id`.

    One UPDATE while the rows exist (nearly always: they are missing only for the first
    points of a new week, month or period), instead of one per row. Call holding the
    member's MemberScore row (score_bump takes it), so no one creates these rows meanwhile.
    """
    boards = (None, board_id) if board_id is not None else (None,)
    wanted = {(period, start, board) for period, start in starts.items() for board in boards}
    when = Q()
    for period, start in starts.items():
        when |= Q(period=period, start=start)
    where = Q(board_id__isnull=True)
    if board_id is not None:
        where |= Q(board_id=board_id)
    rows = LeaderboardScore.objects.filter(when, where, member_id=member_id)
    if rows.update(points=F("points") + delta) == len(wanted):
        return
    existing = set(rows.values_list("period", "start", "board_id"))
    for period, start, board in sorted(wanted - existing, key=str):
        leaderboard_bump(
            member_id=member_id, period=period, start=start, board_id=board, delta=delta
        )


def leaderboard_bump(
    *, member_id: int, period: str, start: date, board_id: int | None, delta: int
) -> None:
    match = Q(member_id=member_id, period=period, start=start)
    match &= Q(board_id=board_id) if board_id is not None else Q(board_id__isnull=True)
    rows = LeaderboardScore.objects.filter(match)
    if rows.update(points=F("points") + delta):
        return
    try:
        with transaction.atomic():
            LeaderboardScore.objects.create(
                member_id=member_id, period=period, start=start, board_id=board_id, points=delta
            )
    except IntegrityError:  # a concurrent first award created the row: add to it
        rows.update(points=F("points") + delta)


def score_bump(*, member_id: int, delta: int) -> MemberScore:
    """Add to a member's total and move the rank if a threshold was crossed.

    The member's row first: a rank change updates it, and every write about a member takes
    it before anything else (community.services.standing), so the orders never cross.
    """
    community_services.members_lock(member_id)
    rows = MemberScore.objects.filter(member_id=member_id)
    if not rows.update(points=F("points") + delta):
        try:
            with transaction.atomic():
                MemberScore.objects.create(member_id=member_id, points=delta)
        except IntegrityError:
            rows.update(points=F("points") + delta)
    score = MemberScore.objects.select_for_update().get(member_id=member_id)
    rank_sync(score=score)
    return score


def score_lock(*, member_id: int) -> MemberScore:
    """Lock the member's total row for the rest of the transaction, creating it if missing.

    For decisions that depend on what the member has earned (the daily kudos cap): holding
    the row they will bump makes concurrent decisions for one member take turns.
    """
    community_services.members_lock(member_id)
    score = MemberScore.objects.select_for_update().filter(member_id=member_id).first()
    return score if score is not None else score_bump(member_id=member_id, delta=0)


def rank_for(points: int) -> Rank | None:
    return Rank.objects.filter(min_points__lte=max(points, 0)).order_by("-min_points").first()


def rank_sync(*, score: MemberScore) -> None:
    """Store the rank the total earns; announce a change."""
    rank = rank_for(score.points)
    new_id = rank.pk if rank else None
    if new_id == score.rank_id:
        return
    old_id = score.rank_id
    score.rank_id = new_id
    score.save(update_fields=["rank"])
    community_services.member_rank_set(
        member_id=score.member_id, name=rank.name if rank else "", level=rank.level if rank else 0
    )
    events.rank_changed.send(
        sender=MemberScore, member_id=score.member_id, old_rank_id=old_id, new_rank_id=new_id
    )
