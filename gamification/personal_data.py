"""Gamification's part of a member's personal data (README, "Personal data").

Nothing here is erased when a member deletes their account: the ledger rows, totals and
leaderboard rows stay as they are, so `gamification_rebuild --check` finds what it found
before and payback statements keep the points they were made from (kept for accounting).
The member's name is gone from the member row, and leaderboards and badge pages leave
deleted members out (gamification.selectors).
"""

from __future__ import annotations

from typing import Any

from community.models import Member
from community.selectors.members import iso
from gamification.badges import REGISTRY
from gamification.models import BadgeAward, LedgerEntry, MemberScore, Statement


def gamification_personal_data(member: Member) -> dict[str, Any]:
    score = MemberScore.objects.filter(member_id=member.pk).select_related("rank").first()
    history = [
        {
            "id": e.pk,
            "points": e.points,
            "reason": e.reason,
            "reason_label": str(e.get_reason_display()),
            "source": e.source,
            "url": e.source_url,
            "reverses": e.reverses_id,
            "note": e.note,
            "created_at": iso(e.created_at),
        }
        for e in LedgerEntry.objects.filter(member_id=member.pk).order_by("created_at", "pk")
    ]
    badges = [
        {
            "badge": a.badge,
            "name": str(REGISTRY[a.badge].name) if a.badge in REGISTRY else a.badge,
            "awarded_at": iso(a.awarded_at),
        }
        for a in BadgeAward.objects.filter(member_id=member.pk).order_by("awarded_at", "pk")
    ]
    statements = [
        {
            "id": s.pk,
            "period_start": s.period.start.isoformat(),
            "period_end": s.period.end.isoformat(),
            "points": s.points,
            "amount": str(s.amount),
            "currency": s.currency,
            "status": s.status,
            "payout_method": s.payout_method,
            "approved_at": iso(s.approved_at),
            "created_at": iso(s.created_at),
        }
        for s in Statement.objects.filter(member_id=member.pk)
        .select_related("period")
        .order_by("period__start", "pk")
    ]
    return {
        "points": {
            "total": score.points if score else 0,
            "rank": score.rank.name if score and score.rank else None,
            "history": history,
        },
        "badges": badges,
        "statements": statements,
    }
