"""Satisfaction's part of a member's personal data (README, "Personal data"): their answers
to "Did this solve your problem?" and to "How likely are you to recommend ...?" (NPS). On
deletion the scores stay (the dashboard's figures) and the comments, free text, are erased;
questions still to be asked, and a postponed NPS question, are dropped."""

from __future__ import annotations

from typing import Any

from community.models import Member
from community.selectors.members import iso
from support.satisfaction.models import (
    NpsPostponement,
    NpsResponse,
    Satisfaction,
    SatisfactionRequest,
)


def satisfaction_personal_data(member: Member) -> dict[str, Any]:
    return {
        "satisfaction": [
            {
                "thread_id": s.thread_id,
                "case_id": s.case_id,
                "score": s.score,
                "comment": s.comment,
                "created_at": iso(s.created_at),
            }
            for s in Satisfaction.objects.filter(respondent_id=member.pk).order_by(
                "created_at", "pk"
            )
        ],
        "nps": [
            {"score": a.score, "comment": a.comment, "created_at": iso(a.created_at)}
            for a in NpsResponse.objects.filter(respondent_id=member.pk).order_by(
                "created_at", "pk"
            )
        ],
    }


def satisfaction_erase(member: Member) -> None:
    # Nobody is left to ask.
    SatisfactionRequest.objects.filter(member_id=member.pk).delete()
    Satisfaction.objects.filter(respondent_id=member.pk).exclude(comment="").update(comment="")
    NpsPostponement.objects.filter(member_id=member.pk).delete()
    NpsResponse.objects.filter(respondent_id=member.pk).exclude(comment="").update(comment="")
