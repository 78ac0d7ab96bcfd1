"""The leaderboards: the best members of a period, overall or on a board, and the viewer's place.

They read only the stored LeaderboardScore rows, through their indexes (period, start,
board_id, -points): never a sum over the ledger at request time, so a page costs the same with
ten members or a million. Each read's query count is fixed whatever the amount of data, and
tests/gamification pin it.

With a cache every process shares (Redis: the setting COMMUNITY_SHARED_ROWS) a leaderboard
is read from the database once per change, not once per view:

- the top rows, with their members, are kept under the version of the scope LEADERBOARDS,
  which every ledger row that moves points replaces (services.ledger), as does a member's
  deletion (their place goes); a new total shows at once. What no points announce (a new
  name, avatar or role) may be as old as COMMUNITY_PAGE_CACHE_SECONDS, as on every cached
  page (community/pagecache.py);
- the viewer's own points are always read fresh (one query on the index); their place counts
  the distinct totals above those points in a list of every total of the period, built once
  per change. While points keep moving, one list serves for up to
  GAMIFICATION_LEADERBOARD_STALE_SECONDS (default 30; 0 rebuilds it after every change): a
  crowd reading the board during a busy hour costs one count of a hundred thousand rows per
  half minute, not one per view. A place read from such a list can be off by the totals that
  moved in those seconds; the top rows and the viewer's points never are.

In the embedded mode every process keeps its own cache, which a worker's write would not
reach: there the leaderboards are read from the database on every view.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from community import pagecache
from community import selectors as community_selectors
from community.models import Board, Member
from community.permissions import Viewer
from gamification.models import LeaderboardScore, Period
from gamification.periods import period_start

LEADERBOARD_SIZE = 100
LEADERBOARDS = "leaderboards"  # the page-cache scope every move of points replaces
DEFAULT_STALE_SECONDS = 30


@dataclass(frozen=True)
class LeaderboardRow:
    rank: int
    member: Member
    points: int


@dataclass(frozen=True)
class ViewerStanding:
    """The viewer's place: `rank` is None while they have no points in the period."""

    rank: int | None
    points: int


@dataclass(frozen=True)
class Leaderboard:
    period: str
    start: date
    board: Board | None
    rows: list[LeaderboardRow]
    me: ViewerStanding | None  # None for anonymous visitors


@dataclass(frozen=True)
class _Totals:
    """Every distinct positive total of one leaderboard, lowest first, and when it was read."""

    version: str
    read_at: datetime
    ascending: list[int]

    def above(self, points: int) -> int:
        return len(self.ascending) - bisect_right(self.ascending, points)


def leaderboards_changed() -> None:
    """Call when points move or a member leaves: the cached leaderboards are not served again."""
    pagecache.bump_on_commit(LEADERBOARDS)


def _shared_cache() -> bool:
    return bool(getattr(settings, "COMMUNITY_SHARED_ROWS", False)) and pagecache.page_seconds() > 0


def _stale_seconds() -> int:
    return int(getattr(settings, "GAMIFICATION_LEADERBOARD_STALE_SECONDS", DEFAULT_STALE_SECONDS))


def leaderboard_scores(period: str, start: date, board: Board | None) -> QuerySet[LeaderboardScore]:
    """The rows of one board of one period: exactly the leading columns of the index."""
    match = Q(period=period, start=start)
    match &= Q(board_id=board.pk) if board is not None else Q(board_id__isnull=True)
    # Deleted members keep their rows (the ledger stays consistent) but hold no place. An
    # anti-join on the few of them (an index of their own), not a join with every member:
    # counting the totals above a viewer would read the whole member table.
    deleted = Member.objects.filter(pk=OuterRef("member_id"), deleted_at__isnull=False)
    return LeaderboardScore.objects.filter(match).exclude(Exists(deleted))


def dense_ranks(points: list[int]) -> list[int]:
    """Dense ranks of a list sorted best first: ties share a rank, the next rank follows on.

    [50, 50, 40, 30] ranks 1, 1, 2, 3 (not 1, 1, 3, 4 as in sport).
    """
    ranks: list[int] = []
    for i, value in enumerate(points):
        if i == 0:
            ranks.append(1)
        else:
            ranks.append(ranks[-1] if value == points[i - 1] else ranks[-1] + 1)
    return ranks


def leaderboard(
    *,
    period: str,
    board: Board | None = None,
    viewer: Viewer | None = None,
    today: date | None = None,
    size: int = LEADERBOARD_SIZE,
) -> Leaderboard:
    """The best `size` members of the period running on `today`, with dense ranks, and the
    viewer's own rank and points wherever they stand.

    Two queries at any size of community (the rows with their members, and the members'
    groups for their role badges), plus one for a signed-in viewer; with the shared cache,
    none for the rows while nothing moved, and one or two for the viewer. Only members with
    more than zero points appear: a row brought back to zero by reversals is no place on a
    podium.
    """
    if period not in Period.values:
        raise ValueError(f"unknown period {period!r}")
    start = period_start(period, today or timezone.localdate())
    scores = leaderboard_scores(period, start, board)
    shared = _shared_cache()
    version = pagecache.scope_version(LEADERBOARDS) if shared else ""
    names = (period, start.isoformat(), str(board.pk if board is not None else 0))
    rows_key = pagecache.cache_key("leaderboard", version, *names, str(size))
    rows: list[LeaderboardRow] | None = cache.get(rows_key) if shared else None
    if rows is None:
        rows = _top(scores, size)
        if shared:
            cache.set(rows_key, rows, pagecache.page_seconds())
    me = None
    if viewer is not None and viewer.is_authenticated:
        if shared:
            totals_key = pagecache.cache_key("leaderboard-totals", *names)
            me = _standing_from_totals(scores, viewer.pk, rows, size, totals_key, version)
        else:
            me = _viewer_standing(scores, viewer.pk)
    return Leaderboard(period=period, start=start, board=board, rows=rows, me=me)


def _top(scores: QuerySet[LeaderboardScore], size: int) -> list[LeaderboardRow]:
    top = list(
        scores.filter(points__gt=0).select_related("member").order_by("-points", "member_id")[:size]
    )
    community_selectors.members_prime_groups(row.member for row in top)
    ranks = dense_ranks([row.points for row in top])
    return [
        LeaderboardRow(rank=rank, member=row.member, points=row.points)
        for rank, row in zip(ranks, top, strict=True)
    ]


def _viewer_standing(scores: QuerySet[LeaderboardScore], member_id: int) -> ViewerStanding:
    """One query: the viewer's points, and how many distinct totals beat them (dense rank).

    The count reads the index range above the viewer's points, so a member at place 9,000
    costs what one at place 3 does, and the viewer needs not be in the top 100.
    """
    better = (
        scores.filter(points__gt=OuterRef("points"))
        .order_by()
        .values("period")
        .annotate(n=Count("points", distinct=True))
        .values("n")
    )
    mine = (
        scores.filter(member_id=member_id)
        .annotate(better=Coalesce(Subquery(better, output_field=IntegerField()), 0))
        .values_list("points", "better")
        .first()
    )
    if mine is None:
        return ViewerStanding(rank=None, points=0)
    points, better_count = mine
    return ViewerStanding(rank=better_count + 1 if points > 0 else None, points=points)


def _standing_from_totals(
    scores: QuerySet[LeaderboardScore],
    member_id: int,
    rows: list[LeaderboardRow],
    size: int,
    key: str,
    version: str,
) -> ViewerStanding:
    """The viewer's fresh points, placed among the cached totals (the module's docstring)."""
    points = scores.filter(member_id=member_id).values_list("points", flat=True).first() or 0
    if points <= 0:
        return ViewerStanding(rank=None, points=points)
    if rows and (len(rows) < size or points >= rows[-1].points):
        # Among the rows shown (or every positive total is): they place the viewer.
        return ViewerStanding(
            rank=len({r.points for r in rows if r.points > points}) + 1, points=points
        )
    totals: _Totals | None = cache.get(key)
    now = timezone.now()
    if totals is None or (
        totals.version != version and totals.read_at + timedelta(seconds=_stale_seconds()) <= now
    ):
        ascending = scores.filter(points__gt=0).order_by("points").values_list("points", flat=True)
        totals = _Totals(version=version, read_at=now, ascending=list(ascending.distinct()))
        cache.set(key, totals, pagecache.page_seconds())
    return ViewerStanding(rank=totals.above(points) + 1, points=points)


__all__ = [
    "LEADERBOARDS",
    "LEADERBOARD_SIZE",
    "Leaderboard",
    "LeaderboardRow",
    "ViewerStanding",
    "dense_ranks",
    "leaderboard_scores",
    "leaderboard",
    "leaderboards_changed",
]
