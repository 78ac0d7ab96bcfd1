"""Ranks grant privileges as Django permissions, alongside the staff groups (ModelBackend)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from gamification.privileges import PRIVILEGES, rank_privileges

_CACHE = "_rank_permission_cache"


class RankPrivilegeBackend(BaseBackend):
    """Grants the permissions of the privileges the member's rank lists.

    Read once per member object per request, cached on the object like ModelBackend does:
    the rank ladder (gamification.ladder: the ranks kept per process, the member's rank
    brought along by their read), which the notes on what a rank unlocks read too.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not getattr(user_obj, "is_active", False) or getattr(user_obj, "is_anonymous", True):
            return set()
        if not hasattr(user_obj, _CACHE):
            names = rank_privileges(user_obj)
            setattr(user_obj, _CACHE, {PRIVILEGES[n][1] for n in names if n in PRIVILEGES})
        return set(getattr(user_obj, _CACHE))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)
