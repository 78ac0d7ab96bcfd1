"""Gamification's section of a member's profile: points, rank, progress, badges."""

from __future__ import annotations

from community.extensions import Section
from community.models import Member
from community.permissions import Viewer
from gamification.selectors import member_standing


def standing_section(member: Member, viewer: Viewer) -> Section:
    standing = member_standing(member=member)
    return Section(
        template="gamification/_profile_standing.html",
        context={
            "points": standing.points,
            "rank": standing.rank,
            "next_rank": standing.next_rank,
            "points_to_next": standing.points_to_next_rank,
            "progress": standing.progress,
            "badges": [(held.badge, held.awarded_at) for held in standing.badges],
            "can_see_history": viewer.is_authenticated
            and (viewer.pk == member.pk or viewer.is_staff),
        },
    )
