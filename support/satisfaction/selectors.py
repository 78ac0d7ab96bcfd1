"""Satisfaction's reads: who is asked the NPS question, and what the answers add up to.

NPS, "How likely are you to recommend <brand> to a friend?" (0-10):
- Who is asked (nps_due): a member who is not staff, whose account is at least
  NPS_MIN_ACCOUNT_AGE old (14 days: they have seen the product), and who is active: signed
  in or posted (a question or an answer) in the last NPS_ACTIVE_WINDOW (30 days). Not if
  they answered in the last NPS_INTERVAL (90 days), nor while a dismissal postpones it
  (NPS_POSTPONE, 14 days).
- The score: promoters (9-10) minus detractors (0-6), as a share of all answers, from -100
  to 100; passives (7-8) count only in the total. No answers, no score (None).
- Segments, as the member stood when answering: helpers (had an answer accepted as a
  solution), askers (had asked a question), members with a case (had a case opened for them).
  A member can be in several; the overall score counts everyone once.

Each function runs a fixed number of queries whatever the amount of data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from community.models import AGENTS_GROUP, MODERATORS_GROUP, Member, Post, Thread
from community.permissions import Viewer
from support.cases.models import Case
from support.satisfaction.models import NpsPostponement, NpsResponse

NPS_INTERVAL = timedelta(days=90)
NPS_POSTPONE = timedelta(days=14)
NPS_MIN_ACCOUNT_AGE = timedelta(days=14)
NPS_ACTIVE_WINDOW = timedelta(days=30)
NPS_TREND_MONTHS = 6
PROMOTER_MIN = 9
DETRACTOR_MAX = 6
SEGMENTS = ("helpers", "askers", "with_case")


def is_staff_member(member: Member) -> bool:
    """Agents, moderators and admins: what the member summary calls `is_staff`."""
    return bool(
        member.is_staff
        or member.is_superuser
        or member.group_names & {AGENTS_GROUP, MODERATORS_GROUP}
    )


def nps_last_answer(*, member_id: int, since: datetime) -> datetime | None:
    """When the member last answered the NPS question, if since `since`."""
    return (
        NpsResponse.objects.filter(respondent_id=member_id, created_at__gte=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )


@dataclass(frozen=True)
class Segments:
    helper: bool
    asker: bool
    case: bool


def nps_segments(*, member_id: int) -> Segments:
    """The member's segments now. One query."""
    row = (
        Member.objects.filter(pk=member_id)
        .annotate(
            helper=Exists(Thread.objects.filter(solution__author_id=OuterRef("pk"))),
            asker=Exists(Thread.objects.filter(author_id=OuterRef("pk"))),
            case=Exists(Case.objects.filter(customer_id=OuterRef("pk"))),
        )
        .values("helper", "asker", "case")
        .get()
    )
    return Segments(helper=row["helper"], asker=row["asker"], case=row["case"])


def nps_due(*, viewer: Viewer, now: datetime | None = None) -> bool:
    """Whether to ask the viewer the NPS question now (the rules above). No query for a
    visitor, staff or a new account; one otherwise."""
    if not isinstance(viewer, Member) or not viewer.is_active or viewer.deleted_at is not None:
        return False
    now = now or timezone.now()
    if viewer.date_joined > now - NPS_MIN_ACCOUNT_AGE or is_staff_member(viewer):
        return False
    active_since = now - NPS_ACTIVE_WINDOW
    row = (
        Member.objects.filter(pk=viewer.pk)
        .annotate(
            answered=Exists(
                NpsResponse.objects.filter(
                    respondent_id=OuterRef("pk"), created_at__gt=now - NPS_INTERVAL
                )
            ),
            postponed=Exists(
                NpsPostponement.objects.filter(member_id=OuterRef("pk"), until__gt=now)
            ),
            answered_lately=Exists(
                Post.objects.filter(author_id=OuterRef("pk"), created_at__gte=active_since)
            ),
            asked_lately=Exists(
                Thread.objects.filter(author_id=OuterRef("pk"), created_at__gte=active_since)
            ),
        )
        .values("answered", "postponed", "answered_lately", "asked_lately")
        .first()
    )
    if row is None or row["answered"] or row["postponed"]:
        return False
    signed_in = viewer.last_login is not None and viewer.last_login >= active_since
    return signed_in or row["answered_lately"] or row["asked_lately"]


# ---------------------------------------------------------------------------- the score


@dataclass(frozen=True)
class Nps:
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def responses(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def score(self) -> int | None:
        """Promoters minus detractors, in percent of all answers, rounded: -100 to 100."""
        if not self.responses:
            return None
        return round(100 * (self.promoters - self.detractors) / self.responses)

    def as_dict(self) -> dict[str, int | None]:
        return {
            "score": self.score,
            "promoters": self.promoters,
            "passives": self.passives,
            "detractors": self.detractors,
            "responses": self.responses,
        }

    @classmethod
    def of(cls, scores: dict[int, int]) -> Nps:
        """From {score: how many}."""
        return cls(
            promoters=sum(n for s, n in scores.items() if s >= PROMOTER_MIN),
            passives=sum(n for s, n in scores.items() if DETRACTOR_MAX < s < PROMOTER_MIN),
            detractors=sum(n for s, n in scores.items() if s <= DETRACTOR_MAX),
        )

    def plus(self, score: int) -> Nps:
        if score >= PROMOTER_MIN:
            return Nps(self.promoters + 1, self.passives, self.detractors)
        if score > DETRACTOR_MAX:
            return Nps(self.promoters, self.passives + 1, self.detractors)
        return Nps(self.promoters, self.passives, self.detractors + 1)


def nps_summary(*, since: datetime, until: datetime) -> dict[str, Nps]:
    """{"overall", "helpers", "askers", "with_case"}: the answers given in [since, until].
    One query."""
    rows = (
        NpsResponse.objects.filter(created_at__gte=since, created_at__lte=until)
        .values("score")
        .annotate(
            total=Count("pk"),
            helpers=Count("pk", filter=Q(was_helper=True)),
            askers=Count("pk", filter=Q(was_asker=True)),
            with_case=Count("pk", filter=Q(had_case=True)),
        )
        .order_by()
    )
    counts: dict[str, dict[int, int]] = {key: {} for key in ("overall", *SEGMENTS)}
    for row in rows:
        score = row["score"]
        counts["overall"][score] = row["total"]
        counts["helpers"][score] = row["helpers"]
        counts["askers"][score] = row["askers"]
        counts["with_case"][score] = row["with_case"]
    return {key: Nps.of(value) for key, value in counts.items()}


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def nps_trend(
    *, now: datetime | None = None, months: int = NPS_TREND_MONTHS
) -> list[tuple[date, Nps]]:
    """The score of each local calendar month, the last `months` (this one included), oldest
    first. One query."""
    now = now or timezone.now()
    this_month = _month_start(timezone.localtime(now).date())
    firsts = [_month_start(this_month, back) for back in range(months - 1, -1, -1)]
    start = timezone.make_aware(datetime.combine(firsts[0], datetime.min.time()))
    by_month = dict.fromkeys(firsts, Nps())
    rows = NpsResponse.objects.filter(created_at__gte=start, created_at__lte=now).values_list(
        "created_at", "score"
    )
    for created_at, score in rows:
        month = _month_start(timezone.localtime(created_at).date())
        if month in by_month:
            by_month[month] = by_month[month].plus(score)
    return list(by_month.items())


@dataclass(frozen=True)
class NpsComment:
    score: int
    comment: str
    created_at: datetime


def nps_comments(*, since: datetime, until: datetime, limit: int = 10) -> list[NpsComment]:
    """The latest answers with a comment in [since, until], newest first. One query; who wrote
    them is left out, as on the dashboard."""
    rows = (
        NpsResponse.objects.filter(created_at__gte=since, created_at__lte=until)
        .exclude(comment="")
        .order_by("-created_at", "-pk")
        .values_list("score", "comment", "created_at")[:limit]
    )
    return [NpsComment(*row) for row in rows]
