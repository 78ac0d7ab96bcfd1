"""Deflection's part of a member's personal data (README, "Personal data"): the answers they
found on the ask form and what they were typing. On deletion the deflections stay (the
dashboard's figures) and the typed text, free text, is erased."""

from __future__ import annotations

from typing import Any

from community.models import Member
from community.selectors.members import iso
from support.deflection.models import Deflection


def deflection_personal_data(member: Member) -> dict[str, Any]:
    return {
        "deflections": [
            {
                "thread_id": d.thread_id,
                "query": d.query,
                "helpful": d.helpful,
                "created_at": iso(d.created_at),
            }
            for d in Deflection.objects.filter(member_id=member.pk).order_by("created_at", "pk")
        ]
    }


def deflection_erase(member: Member) -> None:
    Deflection.objects.filter(member_id=member.pk).exclude(query="").update(query="")
