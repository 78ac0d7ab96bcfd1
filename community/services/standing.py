"""A member's standing as other apps see fit to set it (ranks come from gamification)."""

from __future__ import annotations

from community.models import Member


def member_rank_set(*, member_id: int, name: str, level: int) -> None:
    """Show `name` as the member's rank. Call inside the transaction that changed it."""
    Member.objects.filter(pk=member_id).update(rank_name=name, rank_level=level)
