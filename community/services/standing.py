"""A member's standing as other apps see fit to set it (ranks come from gamification)."""

from __future__ import annotations

from community.models import Member


def member_rank_set(*, member_id: int, name: str, level: int) -> None:
    """Show `name` as the member's rank. Call inside the transaction that changed it."""
    Member.objects.filter(pk=member_id).update(rank_name=name, rank_level=level)


def member_ranks_set_many(*, members_by_rank: dict[tuple[str, int], list[int]]) -> None:
    """Show ranks for many members at once (bulk loads): one UPDATE per rank and chunk."""
    for (name, level), member_ids in members_by_rank.items():
        for start in range(0, len(member_ids), 20000):
            chunk = member_ids[start : start + 20000]
            Member.objects.filter(pk__in=chunk).update(rank_name=name, rank_level=level)
