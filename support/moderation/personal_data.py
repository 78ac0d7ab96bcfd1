"""Moderation's part of a member's personal data (README, "Personal data"): the flags they
filed and the sanctions they were given. Both are kept on deletion: the record of what
moderators did and why."""

from __future__ import annotations

from typing import Any

from community.models import Member
from community.selectors.members import iso
from support.moderation.models import Flag, Sanction


def moderation_personal_data(member: Member) -> dict[str, Any]:
    return {
        "flags": [
            {
                "kind": f.kind,
                "note": f.note,
                "thread_id": f.thread_id,
                "post_id": f.post_id,
                "status": f.status,
                "created_at": iso(f.created_at),
            }
            for f in Flag.objects.filter(flagger_id=member.pk).order_by("created_at", "pk")
        ],
        "sanctions": [
            {
                "kind": s.kind,
                "reason": s.reason,
                "until": iso(s.until),
                "lifted_at": iso(s.lifted_at),
                "created_at": iso(s.created_at),
            }
            for s in Sanction.objects.filter(member_id=member.pk).order_by("created_at", "pk")
        ],
    }
