"""What ranks unlock, and the Django permission each privilege grants.

Community and support check permissions (`member.has_perm("community.edit_any_content")`);
gamification.backends.RankPrivilegeBackend grants them to members whose rank lists the
privilege, the same way the staff groups grant them to agents and moderators.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from community.extensions import PrivilegeLock
from community.models import Member
from gamification import ladder
from gamification.models import Rank

PRIVILEGES: dict[str, tuple[StrOrPromise, str]] = {
    "post_links": (_("Post links"), "community.post_links"),
    "post_images": (_("Post images"), "community.post_images"),
    "flag": (_("Flag posts for moderators"), "community.flag_content"),
    "retag": (_("Retag other members' questions"), "community.retag_thread"),
    "edit_others": (_("Edit other members' posts"), "community.edit_any_content"),
    "close_duplicates": (
        _("Close questions as duplicates of others"),
        "community.close_duplicate",
    ),
    "accept_others_solutions": (
        _("Accept solutions in other members' questions"),
        "community.accept_any_solution",
    ),
}


_LADDER = "_privilege_ladder"


def _ladder(member: Member) -> tuple[int, list[str], tuple[Rank, ...]]:
    """The member's points, the privileges of the rank they hold, and the ranks, lowest
    first (gamification/ladder.py), kept on the member object for the rest of the request.
    The rank backend's permissions and the notes on what unlocks next (a page asks about
    images, links and flagging) all read it."""
    if not hasattr(member, _LADDER):
        points, held_id = ladder.standing(member)
        ranks = ladder.ranks()
        # The rank the score holds; without a score (or a rank) yet, the one 0 points earn.
        held = next((r for r in ranks if r.pk == held_id), None) if held_id else None
        if held is None:
            held = next((r for r in reversed(ranks) if r.min_points <= 0), None)
        setattr(member, _LADDER, (points, list(held.privileges) if held else [], ranks))
    found: tuple[int, list[str], tuple[Rank, ...]] = getattr(member, _LADDER)
    return found


def rank_privileges(member: Member) -> list[str]:
    """The privileges (PRIVILEGES keys) the member's rank lists."""
    return _ladder(member)[1]


def privilege_lock(member: Member, permission: str) -> PrivilegeLock | None:
    """The lowest rank whose privileges grant `permission`, and the points `member` still
    needs for it; None for a permission no privilege grants (a staff-only one)."""
    key = next((k for k, (_label, perm) in PRIVILEGES.items() if perm == permission), None)
    if key is None:
        return None
    points, _held, ranks = _ladder(member)
    rank = next((r for r in ranks if key in r.privileges), None)
    if rank is None:
        return PrivilegeLock(rank="", points_needed=0)
    return PrivilegeLock(rank=rank.name, points_needed=max(0, rank.min_points - points))


def member_privileges(member: Member) -> list[dict[str, Any]]:
    """Every privilege, whether `member` holds it (by rank or staff role) and, if not, the rank
    that unlocks it and the points still needed: what a client needs to explain a disabled
    control. The member's permissions (two queries), their score unless their read brought
    it along, the ranks without Redis (gamification/ladder.py)."""
    rows: list[dict[str, Any]] = []
    for key, (label, permission) in PRIVILEGES.items():
        granted = member.is_active and member.has_perm(permission)
        lock = None if granted else privilege_lock(member, permission)
        rows.append(
            {
                "key": key,
                "name": str(label),
                "granted": granted,
                "unlocked_at": (lock.rank or None) if lock else None,
                "points_needed": lock.points_needed if lock else 0,
            }
        )
    return rows
