"""Recompute the derived totals from the ledger and report what differed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from community import services as community_services
from community.models import Member
from gamification.leaderboards import leaderboards_changed
from gamification.models import (
    ALL_TIME_START,
    LeaderboardScore,
    LedgerEntry,
    MemberScore,
    Period,
    Rank,
)
from gamification.periods import PAYBACK_START_MONTHS, period_starts

Key = tuple[int, str, date, int | None]


@dataclass
class RebuildReport:
    score_differences: list[str]
    leaderboard_differences: list[str]

    @property
    def total(self) -> int:
        return len(self.score_differences) + len(self.leaderboard_differences)


def gamification_rebuild(*, fix: bool = True) -> RebuildReport:
    """Compare every total and leaderboard row with the ledger; with `fix`, make them agree.

    Ranks follow the corrected totals. Safe to run at any time; takes row locks while fixing.
    """
    with transaction.atomic():
        expected_scores = dict(
            LedgerEntry.objects.values("member_id")
            .annotate(total=Sum("points"))
            .values_list("member_id", "total")
        )
        scores = {s.member_id: s for s in MemberScore.objects.select_for_update()}
        member_ids = sorted(set(expected_scores) | set(scores))
        shown = {
            pk: (name, level)
            for pk, name, level in Member.objects.filter(pk__in=member_ids).values_list(
                "pk", "rank_name", "rank_level"
            )
        }
        ranks = list(Rank.objects.order_by("-min_points"))
        names = {r.pk: r.name for r in ranks}
        score_diffs = []
        for member_id in member_ids:
            want = expected_scores.get(member_id, 0)
            score = scores.get(member_id)
            have = score.points if score else 0
            if score is None and want == 0:
                continue  # nothing earned, nothing stored: the ledger's rows all paid 0
            rank = next((r for r in ranks if r.min_points <= max(want, 0)), None)
            want_shown = (rank.name, rank.level) if rank else ("", 0)
            differs = False
            if want != have:
                score_diffs.append(f"member {member_id}: total {have}, ledger says {want}")
                differs = True
            # Ranks are derived too: a stale rank (a threshold changed in the admin, a
            # half-applied fix) is a difference like a wrong total.
            want_rank_id = rank.pk if rank else None
            if score is not None and score.rank_id != want_rank_id:
                have_rank = names.get(score.rank_id, "-") if score.rank_id else "-"
                score_diffs.append(
                    f"member {member_id}: rank {have_rank}, ledger says {rank or '-'}"
                )
                differs = True
            if score is not None and shown.get(member_id, want_shown) != want_shown:
                name, _level = shown[member_id]
                score_diffs.append(
                    f"member {member_id}: shown as {name or '-'}, ledger says {rank or '-'}"
                )
                differs = True
            if fix and differs:
                MemberScore.objects.update_or_create(
                    member_id=member_id, defaults={"points": want, "rank": rank}
                )
                community_services.member_rank_set(
                    member_id=member_id, name=want_shown[0], level=want_shown[1]
                )

        if connection.vendor == "postgresql":
            wrong = _leaderboard_differences_sql(lock=fix)
        else:
            wrong = _leaderboard_differences_python()
        board_diffs = []
        for key, have, want, row in wrong:
            member_id, period, start, board_id = key
            where = f" board {board_id}" if board_id else ""
            board_diffs.append(
                f"member {member_id} {period} from {start}{where}: {have}, ledger says {want}"
            )
            if fix and row:
                row.points = want
                row.save(update_fields=["points"])
            elif fix:
                LeaderboardScore.objects.create(
                    member_id=key[0], period=key[1], start=key[2], board_id=key[3], points=want
                )
        if fix and board_diffs:
            leaderboards_changed()
    return RebuildReport(score_diffs, board_diffs)


Difference = tuple[Key, int, int, LeaderboardScore | None]


def _leaderboard_differences_python() -> list[Difference]:
    """Every stored leaderboard row that the ledger disagrees with, and every missing one."""
    expected: dict[Key, int] = defaultdict(int)
    for member_id, points, board_id, created_at in LedgerEntry.objects.values_list(
        "member_id", "points", "board_id", "created_at"
    ).iterator(chunk_size=5000):
        for period, start in period_starts(created_at).items():
            expected[(member_id, period, start, None)] += points
            if board_id is not None:
                expected[(member_id, period, start, board_id)] += points
    rows = {
        (r.member_id, r.period, r.start, r.board_id): r
        for r in LeaderboardScore.objects.select_for_update()
    }
    wrong = []
    for key in sorted(set(expected) | set(rows), key=str):
        want = expected.get(key, 0)
        row = rows.get(key)
        have = row.points if row else 0
        if want != have:
            wrong.append((key, have, want, row))
    return wrong


# The same calendar as gamification.periods, in SQL: at millions of ledger rows the
# comparison runs in the database and only the differences come back.
_PERIOD_STARTS_SQL = {
    Period.WEEK: "day - (extract(isodow FROM day)::int - 1)",
    Period.MONTH: "date_trunc('month', day)::date",
    Period.PAYBACK: (
        "CASE WHEN extract(month FROM day) BETWEEN 6 AND 11"
        " THEN make_date(extract(year FROM day)::int, 6, 1)"
        " WHEN extract(month FROM day) = 12 THEN make_date(extract(year FROM day)::int, 12, 1)"
        " ELSE make_date(extract(year FROM day)::int - 1, 12, 1) END"
    ),
    Period.ALL: "%(all_time)s::date",
}


def leaderboard_expected_sql() -> tuple[str, dict[str, str | date]]:
    """SQL (PostgreSQL) for the leaderboard rows the ledger adds up to: the named queries
    `expected (member_id, period, start, board, points)` with board 0 for overall rows, to
    follow WITH. Used to compare (below) and to build them in bulk (gamification.scale)."""
    if set(_PERIOD_STARTS_SQL) != set(Period.values) or PAYBACK_START_MONTHS != (6, 12):
        raise ImproperlyConfigured("The SQL calendar of the rebuild is out of step with periods.")
    by_period = " UNION ALL ".join(
        f"SELECT member_id, board_id, %(p_{n})s AS period, {expr} AS start, points FROM daily"  # noqa: S608
        for n, expr in enumerate(_PERIOD_STARTS_SQL.values())
    )
    sql = f"""
        daily AS (
            SELECT member_id, board_id, (created_at AT TIME ZONE %(tz)s)::date AS day,
                   SUM(points) AS points
            FROM gamification_ledgerentry GROUP BY 1, 2, 3
        ), periods AS ({by_period}),
        expected AS (
            SELECT member_id, period, start, 0 AS board, SUM(points) AS points
            FROM periods GROUP BY 1, 2, 3
            UNION ALL
            SELECT member_id, period, start, board_id, SUM(points)
            FROM periods WHERE board_id IS NOT NULL GROUP BY 1, 2, 3, 4
        )
    """  # noqa: S608 - the interpolated parts are constants of this module
    params: dict[str, str | date] = {
        "tz": timezone.get_current_timezone_name(),
        "all_time": ALL_TIME_START,
    }
    params.update({f"p_{n}": str(period) for n, period in enumerate(_PERIOD_STARTS_SQL)})
    return sql, params


def _leaderboard_differences_sql(*, lock: bool) -> list[Difference]:
    expected, params = leaderboard_expected_sql()
    sql = f"""
        WITH {expected}, stored AS (
            SELECT id, member_id, period, start, COALESCE(board_id, 0) AS board, points
            FROM gamification_leaderboardscore
        )
        SELECT COALESCE(e.member_id, s.member_id), COALESCE(e.period, s.period),
               COALESCE(e.start, s.start), COALESCE(e.board, s.board),
               COALESCE(s.points, 0), COALESCE(e.points, 0), s.id
        FROM expected e FULL OUTER JOIN stored s
          ON s.member_id = e.member_id AND s.period = e.period AND s.start = e.start
         AND s.board = e.board
        WHERE COALESCE(s.points, 0) <> COALESCE(e.points, 0)
        ORDER BY 1, 2, 3, 4
    """  # noqa: S608 - the interpolated parts are constants of this module
    with connection.cursor() as cursor:
        if lock:  # as the row locks of the other path: no one moves a row meanwhile
            cursor.execute("LOCK TABLE gamification_leaderboardscore IN EXCLUSIVE MODE")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(sql, params)
        found = cursor.fetchall()
    rows = LeaderboardScore.objects.in_bulk([r[6] for r in found if r[6] is not None])
    return [
        (
            (member_id, period, start, board or None),
            int(have),
            int(want),
            rows.get(pk) if pk is not None else None,
        )
        for member_id, period, start, board, have, want, pk in found
    ]
