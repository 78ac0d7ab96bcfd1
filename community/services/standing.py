"""A member's standing as other apps see fit to set it (ranks come from gamification), and
the member row lock that orders every write about one member.

Lock order: member rows first (in id order when there are several), then threads, boards
and posts, then gamification's score rows. Writes that decide on a member's history (the
posting limits, the daily kudos cap) and writes that change a member's points take their
members' rows before anything else, so two transactions never wait on each other in
opposite orders. FOR NO KEY UPDATE: rows that merely point at the member (a new post, a
notification, a kudos) take KEY SHARE for their foreign key check, which it lets through.
"""

from __future__ import annotations

from django.db import transaction

from community.models import Member


def members_lock(*member_ids: int | None) -> None:
    """Lock these members' rows, in id order, until the end of the current transaction."""
    ids = sorted({pk for pk in member_ids if pk is not None})
    if not ids:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("members_lock needs a transaction: call it inside atomic().")
    list(
        Member.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def member_rank_set(*, member_id: int, name: str, level: int) -> None:
    """Show `name` as the member's rank. Call inside the transaction that changed it."""
    Member.objects.filter(pk=member_id).update(rank_name=name, rank_level=level)


def member_ranks_set_many(*, members_by_rank: dict[tuple[str, int], list[int]]) -> None:
    """Show ranks for many members at once (bulk loads): one UPDATE per rank and chunk."""
    for (name, level), member_ids in members_by_rank.items():
        for start in range(0, len(member_ids), 20000):
            chunk = member_ids[start : start + 20000]
            Member.objects.filter(pk__in=chunk).update(rank_name=name, rank_level=level)
