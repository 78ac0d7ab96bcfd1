"""Reads about deflection: one member's, and the staff's figures for a period.

Definitions (the dashboard repeats them):
- deflections: "This solved it" clicks recorded in the period (one per member, question and
  day: support.deflection.services);
- questions: the questions asked in the period, as the dashboard counts them (spam and
  moderated-away ones left out);
- deflection rate: deflections / (deflections + questions): of the times a member came to
  ask, the share that ended with an answer found and no question asked. None without either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from community.models import Member
from support.deflection.models import Deflection
from support.insights.trending import counted_threads

MOST_DEFLECTED = 5


def deflection_get_for_member(*, deflection_id: int, member: Member) -> Deflection:
    """The member's own deflection, else 404 (anyone else's is as good as none)."""
    deflection = Deflection.objects.filter(pk=deflection_id, member_id=member.pk).first()
    if deflection is None:
        raise Http404(_("No such deflection."))
    return deflection


@dataclass(frozen=True)
class DeflectionSummary:
    deflections: int
    questions: int
    helpful: int
    not_helpful: int

    @property
    def rate(self) -> float | None:
        total = self.deflections + self.questions
        return self.deflections / total if total else None


def deflection_summary(
    *, since: datetime, until: datetime, questions: int | None = None
) -> DeflectionSummary:
    """The deflections and questions of [since, until]. Two queries; one when the caller
    already counted the period's `questions` (the dashboard has)."""
    counts = Deflection.objects.filter(created_at__gte=since, created_at__lte=until).aggregate(
        total=Count("pk"),
        enough=Count("pk", filter=Q(helpful=True)),
        not_enough=Count("pk", filter=Q(helpful=False)),
    )
    if questions is None:
        questions = counted_threads().filter(created_at__gte=since, created_at__lte=until).count()
    return DeflectionSummary(
        deflections=counts["total"],
        questions=questions,
        helpful=counts["enough"],
        not_helpful=counts["not_enough"],
    )


@dataclass(frozen=True)
class DeflectedQuestion:
    thread_id: int
    title: str
    deflections: int

    @property
    def url(self) -> str:
        return reverse("thread-short", kwargs={"pk": self.thread_id})


def most_deflected(
    *, since: datetime, until: datetime, limit: int = MOST_DEFLECTED
) -> list[DeflectedQuestion]:
    """The solved questions that answered the most members in [since, until]. One query."""
    rows = (
        Deflection.objects.filter(created_at__gte=since, created_at__lte=until)
        .values("thread_id", "thread__title")
        .annotate(n=Count("pk"))
        .order_by("-n", "thread_id")[:limit]
    )
    return [
        DeflectedQuestion(
            thread_id=row["thread_id"], title=row["thread__title"], deflections=row["n"]
        )
        for row in rows
    ]
