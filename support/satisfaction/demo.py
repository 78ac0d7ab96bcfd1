"""Satisfaction's part of the demo community: NPS answers over the last half year.

Each customer and helper answered "How likely are you to recommend ...?" once or twice, a
few months apart (never twice within 90 days, as the product allows), so the dashboard's
month-by-month trend and segments have something to show. tom's only answer is four months
old: sign in as tom and the question is at the top of the home page.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from community.models import Member
from support.satisfaction.models import NpsResponse
from support.satisfaction.services import nps_record

# (username, days ago, score, comment), oldest first for each member.
DEMO_NPS = [
    ("chiara", 170, 7, ""),
    ("chiara", 40, 9, "The community sorted my eSIM out within the hour."),
    ("priya", 150, 4, "Questions about roaming data wait too long for an answer."),
    ("priya", 25, 8, ""),
    ("tom", 120, 3, "I had to open a case to get my bill corrected."),
    ("hannah", 160, 10, ""),
    ("hannah", 60, 10, "I like helping here, and the payback is a nice bonus."),
    ("luca", 130, 9, ""),
    ("luca", 12, 6, "Search rarely finds the older answers."),
    ("sofia", 100, 8, ""),
    ("sofia", 5, 9, "Quick answers, even at the weekend."),
]


def demo_nps_ensure() -> None:
    """The demo's NPS answers, once (nothing if there are answers already)."""
    if NpsResponse.objects.exists():
        return
    members = {m.username: m for m in Member.objects.filter(username__in={d[0] for d in DEMO_NPS})}
    now = timezone.now()
    for username, days_ago, score, comment in DEMO_NPS:
        member = members.get(username)
        if member is None:
            continue
        answer = nps_record(respondent=member, score=score, comment=comment)
        # Dated back at once, so the member's next (later) answer is outside the 90 days.
        NpsResponse.objects.filter(pk=answer.pk).update(created_at=now - timedelta(days=days_ago))
