"""Ranks grant privileges as Django permissions, alongside the staff groups (ModelBackend)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from gamification.models import MemberScore
from gamification.privileges import PRIVILEGES

_CACHE = "_rank_permission_cache"


class RankPrivilegeBackend(BaseBackend):
    """Grants the permissions of the privileges the member's rank lists.

    One query per member object per request, cached on the object like ModelBackend does.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not getattr(user_obj, "is_active", False) or getattr(user_obj, "is_anonymous", True):
            return set()
        if not hasattr(user_obj, _CACHE):
            score = MemberScore.objects.select_related("rank").filter(member_id=user_obj.pk).first()
            names = score.rank.privileges if score and score.rank else rank_privileges_at(0)
            setattr(user_obj, _CACHE, {PRIVILEGES[n][1] for n in names if n in PRIVILEGES})
        return set(getattr(user_obj, _CACHE))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)


def rank_privileges_at(points: int) -> list[str]:
    """Privileges of the rank a member with `points` holds (a member with no score yet: 0)."""
    from gamification.services.ledger import rank_for

    rank = rank_for(points)
    return list(rank.privileges) if rank else []
