"""Trending problems: a board or tag suddenly asked about far more than usual (often an outage).

Reads for the dashboard and the alert (support.insights.services.trending_alert_send).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from community.models import HiddenReason, Thread

# Spam and moderated-away questions are not customers' questions; held ones (personal data,
# and new members' first questions waiting for review: an outage brings people who sign up
# to ask) are, so they stay in every count. A new member's question a moderator rejected
# is not.
NOT_COUNTED = (HiddenReason.FLAGGED, HiddenReason.MODERATOR, HiddenReason.REJECTED)


def counted_threads() -> QuerySet[Thread]:
    """The questions customers asked: every thread but spam and moderated-away ones."""
    return Thread.objects.exclude(hidden_reason__in=NOT_COUNTED)


# Trending problems: a board or tag is flagged when its questions in the last hour reach
# TRENDING_FACTOR times its usual hourly rate, and at least TRENDING_MIN_QUESTIONS, so a
# quiet board going from 0 to 1 question is not an alert. The usual rate is the average
# number of questions an hour over the TRENDING_BASELINE before the last hour.
TRENDING_WINDOW = timedelta(hours=1)
TRENDING_BASELINE = timedelta(days=7)
TRENDING_FACTOR = 3
TRENDING_MIN_QUESTIONS = 3


@dataclass(frozen=True)
class TrendingProblem:
    """A board or tag asked about far more than usual in the last hour."""

    kind: str  # "board" or "tag"
    pk: int
    slug: str
    name: str
    last_hour: int
    baseline: float  # usual questions an hour
    ratio: float | None  # last_hour / baseline; None when there was no question before

    @property
    def board_id(self) -> int | None:
        return self.pk if self.kind == "board" else None

    @property
    def tag_id(self) -> int | None:
        return self.pk if self.kind == "tag" else None

    @property
    def url(self) -> str:
        name = "board-detail" if self.kind == "board" else "tag-detail"
        return reverse(name, kwargs={"slug": self.slug})


def is_trending(last_hour: int, baseline: float) -> bool:
    """The rule: last hour >= max(3, 3 x the usual hourly rate)."""
    return last_hour >= max(TRENDING_MIN_QUESTIONS, TRENDING_FACTOR * baseline)


def trending_problems(now: datetime | None = None) -> list[TrendingProblem]:
    """Boards and tags whose questions in the last hour are far above their usual rate.

    Usual rate: the average number of questions an hour over the 7 days before the last
    hour (168 hours, quiet ones included). Flagged when the last hour has at least
    max(3, 3 x usual rate) questions. Strongest first (no baseline at all counts as the
    strongest). Two queries, one for boards and one for tags, whatever the traffic.
    """
    now = now or timezone.now()
    hour_ago = now - TRENDING_WINDOW
    since = hour_ago - TRENDING_BASELINE
    hours = TRENDING_BASELINE / TRENDING_WINDOW
    recent = Q(created_at__gt=hour_ago)
    boards = (
        counted_threads()
        .filter(created_at__gt=since, created_at__lte=now)
        .values_list("board_id", "board__slug", "board__name")
        .annotate(last_hour=Count("pk", filter=recent), total=Count("pk"))
        .filter(last_hour__gte=TRENDING_MIN_QUESTIONS)
        .order_by()
    )
    # The tags' through model, untyped: django-stubs cannot follow annotations on it.
    through: Any = Thread.tags.through
    tagged = (
        through.objects.filter(thread__created_at__gt=since, thread__created_at__lte=now)
        .exclude(thread__hidden_reason__in=NOT_COUNTED)
        .values_list("tag_id", "tag__slug", "tag__name")
        .annotate(
            last_hour=Count("pk", filter=Q(thread__created_at__gt=hour_ago)), total=Count("pk")
        )
        .filter(last_hour__gte=TRENDING_MIN_QUESTIONS)
        .order_by()
    )
    found: list[TrendingProblem] = []
    for kind, rows in (("board", boards), ("tag", tagged)):
        for pk, slug, name, last_hour, total in rows:
            baseline = (total - last_hour) / hours
            if not is_trending(last_hour, baseline):
                continue
            found.append(
                TrendingProblem(
                    kind=kind,
                    pk=pk,
                    slug=slug,
                    name=name,
                    last_hour=last_hour,
                    baseline=baseline,
                    ratio=last_hour / baseline if baseline else None,
                )
            )
    found.sort(key=lambda p: (-(p.ratio if p.ratio is not None else math.inf), -p.last_hour))
    return found
