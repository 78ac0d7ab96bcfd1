"""Helpers for the moderation and personal-data tests (tests/support/test_moderation_*.py,
tests/support/test_sensitive_*.py).

Ranks come as they do in production: a gamification MemberScore with the rank (which grants
`community.flag_content` from Member up, through gamification's backend) and the community's
denormalized rank_level/rank_name, which support reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal

from community import services
from community.models import Member
from gamification.models import MemberScore, Rank
from support import events
from support.moderation.models import ModerationAction
from tests.builders import member_make

NEWCOMER, MEMBER, HELPER, EXPERT = 1, 2, 3, 4


def rank(member: Member, level: int) -> Member:
    """Give `member` the rank at `level` (1 Newcomer ... 4 Expert); returns a fresh copy,
    since permissions are cached on the member object."""
    row = Rank.objects.get(level=level)
    MemberScore.objects.update_or_create(
        member=member, defaults={"points": row.min_points, "rank": row}
    )
    services.member_rank_set(member_id=member.pk, name=row.name, level=row.level)
    return Member.objects.get(pk=member.pk)


def ranked(level: int, **kwargs: Any) -> Member:
    """A member who joined long ago, at the rank of `level`."""
    return rank(member_make(**kwargs), level)


@dataclass
class Announced:
    """The support.events.moderation_action_taken calls made inside a `capture()` block."""

    calls: list[dict[str, Any]] = field(default_factory=list)

    def actions(self) -> list[ModerationAction]:
        return [ModerationAction.objects.get(pk=call["action_id"]) for call in self.calls]


@contextmanager
def moderation_announced() -> Iterator[Announced]:
    announced = Announced()

    def receiver(signal: Signal, sender: object, **kwargs: Any) -> None:
        announced.calls.append(kwargs)

    uid = f"test-moderation-{id(announced)}"
    events.moderation_action_taken.connect(receiver, weak=False, dispatch_uid=uid)
    try:
        yield announced
    finally:
        events.moderation_action_taken.disconnect(dispatch_uid=uid)
