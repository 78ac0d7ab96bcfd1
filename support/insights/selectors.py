"""Reads for the staff dashboard and for satisfaction: what the brand learns from its community.

Definitions (the dashboard's help text and the CSV repeat them):

- The period is the last 7, 30 or 90 *local* days, today included: from the start of the
  first day (settings.TIME_ZONE) until now, so each day of the charts is a whole day.
- Thread metrics are about the questions *asked* in the period, as they stand now (a cohort):
  - questions: threads created in the period, leaving out those hidden as spam or by a
    moderator (held-for-personal-data questions are real questions and stay in);
  - community-solved share: solved questions whose accepted answer was written by a member
    who is not staff (not an agent, moderator, superuser or admin-site user), over all solved
    questions; "solved without a case": solved questions that never had a case, over all
    solved questions (the self-service rate);
  - time to first answer: first_answer_at - created_at over the answered questions; time to
    solution: solved_at - created_at over the solved ones; median and 90th percentile;
  - escalation rate: questions with at least one case (of any reason, open or not) over
    questions.
- Percentiles are computed in Python over the period's rows (one query brings them), with
  linear interpolation between the closest ranks (numpy's default, Excel's PERCENTILE.INC):
  the median of 1, 2, 3, 10 minutes is 2.5 minutes, their 90th percentile 7.9. SQLite has no
  percentile function and one indexed query of a period's (created_at, ...) tuples is cheap.
- SLA breaches: the cases' "sla_breached" timeline events that happened in the period.
- Satisfaction: the scores given in the period. "Helpers" are the scores of solutions
  written by members who are not staff; "agents" are case scores plus the scores of
  solutions written by staff.
- Top helpers: the members who are not staff with the most solutions *accepted* in the
  period (solved_at in the period), with their satisfaction average over the same period.
- Trending problems: see trending_problems().

Every function here runs a fixed number of queries, whatever the amount of data: the page's
query budget is pinned by tests at two data sizes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from community.models import (
    AGENTS_GROUP,
    MODERATORS_GROUP,
    Member,
)
from support.cases.models import Case, CaseEvent
from support.deflection.selectors import (
    DeflectedQuestion,
    DeflectionSummary,
    deflection_summary,
    most_deflected,
)
from support.experts.models import ThreadRouting
from support.insights.trending import TrendingProblem, counted_threads, trending_problems
from support.satisfaction.models import Satisfaction

PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30
TOP_HELPERS = 10


# ---------------------------------------------------------------------------- helpers


def staff_member_ids() -> QuerySet[Member, Any]:
    """The staff, as a subquery: what the member summary calls `is_staff` (docs/api.md)."""
    return Member.objects.filter(
        Q(is_staff=True)
        | Q(is_superuser=True)
        | Q(groups__name__in=[AGENTS_GROUP, MODERATORS_GROUP])
    ).values("pk")


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The `fraction` (0..1) percentile of `values`, linearly interpolated; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Durations:
    count: int
    median: timedelta | None
    p90: timedelta | None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Durations:
        def as_delta(value: float | None) -> timedelta | None:
            return None if value is None else timedelta(seconds=value)

        return cls(
            count=len(seconds),
            median=as_delta(percentile(seconds, 0.5)),
            p90=as_delta(percentile(seconds, 0.9)),
        )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Period:
    days: int
    start: datetime
    end: datetime

    @property
    def dates(self) -> list[date]:
        first = timezone.localtime(self.start).date()
        return [first + timedelta(days=n) for n in range(self.days)]


def period_for(days: int, *, now: datetime | None = None) -> Period:
    """The last `days` local days, today included, until `now`."""
    if days not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    return Period(days=days, start=start, end=now)


# ---------------------------------------------------------------------------- daily rows


@dataclass
class Day:
    """One day of the charts and the CSV: the questions asked that day, as they stand now."""

    day: date
    questions: int = 0
    answered: int = 0
    solved: int = 0
    community_solved: int = 0
    escalated: int = 0
    first_answer_seconds: list[float] = field(default_factory=list, repr=False)

    @property
    def solved_share(self) -> float | None:
        return _share(self.solved, self.questions)

    @property
    def median_first_answer(self) -> timedelta | None:
        return Durations.of(self.first_answer_seconds).median


@dataclass(frozen=True)
class _Row:
    created_at: datetime
    first_answer_at: datetime | None
    solved_at: datetime | None
    staff_solution: bool
    escalated: bool
    routed: bool  # offered to proven helpers (at least one asked)


def _thread_rows(period: Period) -> list[_Row]:
    """One query: the period's questions with what the metrics need of each."""
    staff_authored = Member.objects.filter(
        pk=OuterRef("solution__author_id"), pk__in=staff_member_ids()
    )
    rows = (
        counted_threads()
        .filter(created_at__gte=period.start, created_at__lte=period.end)
        .annotate(
            staff_solution=Exists(staff_authored),
            escalated=Exists(Case.objects.filter(thread_id=OuterRef("pk"))),
            routed=Exists(ThreadRouting.objects.filter(thread_id=OuterRef("pk"), asked__gt=0)),
        )
        .values_list(
            "created_at", "first_answer_at", "solved_at", "staff_solution", "escalated", "routed"
        )
    )
    return [_Row(*row) for row in rows]


def _seconds(later: datetime, earlier: datetime) -> float:
    return max(0.0, (later - earlier).total_seconds())


# ---------------------------------------------------------------------------- satisfaction


@dataclass(frozen=True)
class Satisfactions:
    """Scores given: how many, their average, and how many of each score (1 to 5)."""

    count: int
    average: float | None
    distribution: tuple[tuple[int, int], ...]  # (score, count) for 5, 4, 3, 2, 1

    @classmethod
    def of(cls, counts: dict[int, int]) -> Satisfactions:
        total = sum(counts.values())
        points = sum(score * n for score, n in counts.items())
        return cls(
            count=total,
            average=points / total if total else None,
            distribution=tuple((score, counts.get(score, 0)) for score in range(5, 0, -1)),
        )

    @property
    def rows(self) -> list[tuple[int, int, int]]:
        """(score, count, percent of all) for the distribution bars."""
        return [
            (score, n, round(100 * n / self.count) if self.count else 0)
            for score, n in self.distribution
        ]


def _staff_rating() -> Q:
    """A score about staff: a case's, or a solution written by staff."""
    return Q(case__isnull=False) | Q(rated_id__in=staff_member_ids())


def satisfaction_summary(*, since: datetime, until: datetime) -> dict[str, Satisfactions]:
    """{"overall", "helpers", "agents"}: the scores given in [since, until]. One query."""
    rows = (
        Satisfaction.objects.filter(created_at__gte=since, created_at__lte=until)
        .values("score")
        .annotate(total=Count("pk"), staff=Count("pk", filter=_staff_rating()))
        .order_by()
    )
    overall: dict[int, int] = {}
    agents: dict[int, int] = {}
    helpers: dict[int, int] = {}
    for row in rows:
        overall[row["score"]] = row["total"]
        agents[row["score"]] = row["staff"]
        helpers[row["score"]] = row["total"] - row["staff"]
    return {
        "overall": Satisfactions.of(overall),
        "helpers": Satisfactions.of(helpers),
        "agents": Satisfactions.of(agents),
    }


@dataclass(frozen=True)
class Score:
    """An average score (None without scores) and how many scores it is made of."""

    average: float | None
    count: int


def satisfaction_average(*, member_id: int) -> Score:
    """A helper's or agent's average score, all time: the solutions and cases rated."""
    result = Satisfaction.objects.filter(rated_id=member_id).aggregate(
        average=Avg("score"), count=Count("pk")
    )
    return Score(average=result["average"], count=result["count"])


def satisfaction_averages(
    *, member_ids: Sequence[int], since: datetime | None = None, until: datetime | None = None
) -> dict[int, Score]:
    """Average scores of several helpers or agents at once (one query), optionally in a period."""
    scores = Satisfaction.objects.filter(rated_id__in=list(member_ids))
    if since is not None:
        scores = scores.filter(created_at__gte=since)
    if until is not None:
        scores = scores.filter(created_at__lte=until)
    rows = scores.values("rated_id").annotate(average=Avg("score"), count=Count("pk")).order_by()
    return {row["rated_id"]: Score(row["average"], row["count"]) for row in rows}


@dataclass(frozen=True)
class RatedStaff:
    member_id: int
    username: str
    name: str
    score: Score

    @property
    def url(self) -> str:
        return reverse("member-detail", kwargs={"username": self.username})


def satisfaction_by_agent(*, since: datetime, until: datetime) -> list[RatedStaff]:
    """The staff rated in the period, best average first. One query."""
    rows = (
        Satisfaction.objects.filter(created_at__gte=since, created_at__lte=until)
        .filter(_staff_rating(), rated__isnull=False)
        .values("rated_id", "rated__username", "rated__display_name")
        .annotate(average=Avg("score"), count=Count("pk"))
        .order_by("-average", "-count", "rated__username")
    )
    return [
        RatedStaff(
            member_id=row["rated_id"],
            username=row["rated__username"],
            name=row["rated__display_name"] or row["rated__username"],
            score=Score(row["average"], row["count"]),
        )
        for row in rows
    ]


def satisfaction_for_thread(*, thread_id: int, respondent_id: int) -> Satisfaction | None:
    """The asker's score for the thread's solution, if given."""
    return Satisfaction.objects.filter(
        thread_id=thread_id, respondent_id=respondent_id, case__isnull=True
    ).first()


def satisfaction_for_case(*, case_id: int, respondent_id: int) -> Satisfaction | None:
    """The customer's score for the case, if given."""
    return Satisfaction.objects.filter(case_id=case_id, respondent_id=respondent_id).first()


# ---------------------------------------------------------------------------- top helpers


@dataclass(frozen=True)
class Helper:
    member: Member
    solutions: int
    score: Score


def top_helpers(*, since: datetime, until: datetime, limit: int = TOP_HELPERS) -> list[Helper]:
    """Members who are not staff, most solutions accepted in the period first. Three queries."""
    counts = list(
        counted_threads()
        .filter(solved_at__gte=since, solved_at__lte=until, solution__isnull=False)
        .exclude(solution__author_id__in=staff_member_ids())
        .values("solution__author_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "solution__author_id")[:limit]
    )
    ids = [row["solution__author_id"] for row in counts]
    if not ids:
        return []
    members = Member.objects.in_bulk(ids)
    scores = satisfaction_averages(member_ids=ids, since=since, until=until)
    return [
        Helper(member=members[pk], solutions=row["n"], score=scores.get(pk, Score(None, 0)))
        for row in counts
        if (pk := row["solution__author_id"]) in members
    ]


# ---------------------------------------------------------------------------- the dashboard


@dataclass
class Dashboard:
    period: Period
    questions: int
    answered: int
    solved: int
    community_solved: int
    solved_without_case: int
    escalated: int
    first_answer: Durations
    first_answer_routed: Durations
    first_answer_unrouted: Durations
    solution: Durations
    sla_breaches: int
    satisfaction: dict[str, Satisfactions]
    agents: list[RatedStaff]
    top_helpers: list[Helper]
    trending: list[TrendingProblem]
    days: list[Day]
    deflection: DeflectionSummary
    most_deflected: list[DeflectedQuestion]

    @property
    def community_solved_share(self) -> float | None:
        return _share(self.community_solved, self.solved)

    @property
    def solved_without_case_share(self) -> float | None:
        return _share(self.solved_without_case, self.solved)

    @property
    def solved_share(self) -> float | None:
        return _share(self.solved, self.questions)

    @property
    def escalation_rate(self) -> float | None:
        return _share(self.escalated, self.questions)


def daily_series(period: Period, rows: Sequence[_Row] | None = None) -> list[Day]:
    """The period's days, oldest first, each with the questions asked that day. One query."""
    if rows is None:
        rows = _thread_rows(period)
    days = {day: Day(day=day) for day in period.dates}
    for row in rows:
        bucket = days.get(timezone.localtime(row.created_at).date())
        if bucket is None:  # pragma: no cover - created_at is inside the period
            continue
        bucket.questions += 1
        if row.first_answer_at is not None:
            bucket.answered += 1
            bucket.first_answer_seconds.append(_seconds(row.first_answer_at, row.created_at))
        if row.solved_at is not None:
            bucket.solved += 1
            if not row.staff_solution:
                bucket.community_solved += 1
        if row.escalated:
            bucket.escalated += 1
    return list(days.values())


def _first_answers(rows: Sequence[_Row]) -> Durations:
    return Durations.of(
        [
            _seconds(row.first_answer_at, row.created_at)
            for row in rows
            if row.first_answer_at is not None
        ]
    )


def dashboard_metrics(*, days: int = DEFAULT_PERIOD, now: datetime | None = None) -> Dashboard:
    """Everything on the staff dashboard, in a fixed number of queries (eleven)."""
    now = now or timezone.now()
    period = period_for(days, now=now)
    rows = _thread_rows(period)
    solved = [row for row in rows if row.solved_at is not None]
    return Dashboard(
        period=period,
        questions=len(rows),
        answered=sum(1 for row in rows if row.first_answer_at is not None),
        solved=len(solved),
        community_solved=sum(1 for row in solved if not row.staff_solution),
        solved_without_case=sum(1 for row in solved if not row.escalated),
        escalated=sum(1 for row in rows if row.escalated),
        first_answer=_first_answers(rows),
        first_answer_routed=_first_answers([row for row in rows if row.routed]),
        first_answer_unrouted=_first_answers([row for row in rows if not row.routed]),
        solution=Durations.of(
            [_seconds(row.solved_at, row.created_at) for row in solved if row.solved_at]
        ),
        sla_breaches=CaseEvent.objects.filter(
            kind=CaseEvent.Kind.SLA_BREACHED,
            created_at__gte=period.start,
            created_at__lte=period.end,
        ).count(),
        satisfaction=satisfaction_summary(since=period.start, until=period.end),
        agents=satisfaction_by_agent(since=period.start, until=period.end),
        top_helpers=top_helpers(since=period.start, until=period.end),
        trending=trending_problems(now),
        days=daily_series(period, rows),
        deflection=deflection_summary(since=period.start, until=period.end, questions=len(rows)),
        most_deflected=most_deflected(since=period.start, until=period.end),
    )
