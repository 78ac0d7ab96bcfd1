"""Ask the experts' part of a member's personal data (README, "Personal data"): their helper
settings and the questions offered to them. On deletion the member is opted out (nobody is
left to ask); the requests stay, for the dashboard's figures."""

from __future__ import annotations

from typing import Any

from community.models import Member
from community.selectors.members import iso
from support.experts.models import ExpertRequest, HelperSettings


def experts_personal_data(member: Member) -> dict[str, Any]:
    settings_row = HelperSettings.objects.filter(member_id=member.pk).first()
    return {
        "helper_settings": {
            "expert_requests": bool(settings_row and settings_row.expert_requests),
            "away": bool(settings_row and settings_row.away),
        },
        "expert_requests": [
            {
                "thread_id": r.thread_id,
                "created_at": iso(r.created_at),
                "declined_at": iso(r.declined_at) if r.declined_at else None,
            }
            for r in ExpertRequest.objects.filter(helper_id=member.pk).order_by("created_at", "pk")
        ],
    }


def experts_erase(member: Member) -> None:
    HelperSettings.objects.filter(member_id=member.pk).delete()
