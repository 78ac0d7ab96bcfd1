"""Recompute the derived totals from the ledger and report what differed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Sum

from community import services as community_services
from community.models import Member
from gamification.models import LeaderboardScore, LedgerEntry, MemberScore, Rank
from gamification.periods import period_starts

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
        board_diffs = []
        for key in sorted(set(expected) | set(rows), key=str):
            want = expected.get(key, 0)
            row = rows.get(key)
            have = row.points if row else 0
            if want != have:
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
    return RebuildReport(score_diffs, board_diffs)
