"""Gamification's section of a member's profile: points, rank, progress, badges."""

from __future__ import annotations

from community.extensions import Section
from community.models import Member
from community.permissions import Viewer
from gamification.badges import REGISTRY
from gamification.models import BadgeAward, MemberScore, Rank
from gamification.services.ledger import rank_for


def standing_section(member: Member, viewer: Viewer) -> Section:
    score = MemberScore.objects.select_related("rank").filter(member=member).first()
    points = score.points if score else 0
    rank = score.rank if score and score.rank else rank_for(points)
    next_rank = Rank.objects.filter(min_points__gt=points).order_by("min_points").first()
    progress = 100
    if next_rank is not None:
        floor = rank.min_points if rank else 0
        progress = int(100 * (points - floor) / max(1, next_rank.min_points - floor))
    awards = BadgeAward.objects.filter(member=member).order_by("-awarded_at")
    badges = [(REGISTRY[a.badge], a.awarded_at) for a in awards if a.badge in REGISTRY]
    return Section(
        template="gamification/_profile_standing.html",
        context={
            "points": points,
            "rank": rank,
            "next_rank": next_rank,
            "points_to_next": next_rank.min_points - points if next_rank else 0,
            "progress": max(0, min(100, progress)),
            "badges": badges,
            "can_see_history": viewer.is_authenticated
            and (viewer.pk == member.pk or viewer.is_staff),
        },
    )
