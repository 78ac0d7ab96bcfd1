"""`GET /insights/summary/?days=7|30|90` (docs/api.md, "Satisfaction and the voice of the
customer"): the period's figures in one object, for staff and their reporting scripts.

Which part of support provides each field:
- questions, solved_share, community_solved_share, first_answer_median_s, escalations,
  csat_average: the staff dashboard's metrics (support.insights.selectors.dashboard_metrics);
- deflections, deflection_rate: the deflection feature (support.deflection.selectors, through
  the dashboard's metrics);
- nps: support.satisfaction.selectors.nps_summary;
- known_issues: the known-issue feature (support.known_issues.selectors.known_issue_summary:
  the issues open at some time in the period, the questions linked to each in the period and
  its "me too" count now).

A feature adds fields by registering a contributor in its AppConfig.ready():
`register_summary_contributor(fn)`, where `fn(period)` returns {field: JSON-able value}; it
runs after the built-in fields.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone

from support.insights.selectors import Period, dashboard_metrics
from support.known_issues.selectors import known_issue_summary
from support.satisfaction.selectors import nps_summary

SummaryContributor = Callable[[Period], dict[str, Any]]

summary_contributors: list[SummaryContributor] = []


def register_summary_contributor(contributor: SummaryContributor) -> SummaryContributor:
    if contributor not in summary_contributors:
        summary_contributors.append(contributor)
    return contributor


def insights_summary(*, days: int, now: datetime | None = None) -> dict[str, Any]:
    """The summary of the last `days` local days (7, 30 or 90; ValueError otherwise)."""
    now = now or timezone.now()
    metrics = dashboard_metrics(days=days, now=now)
    period = metrics.period
    median = metrics.first_answer.median
    summary: dict[str, Any] = {
        "questions": metrics.questions,
        "solved_share": metrics.solved_share,
        "community_solved_share": metrics.community_solved_share,
        "first_answer_median_s": None if median is None else round(median.total_seconds()),
        "deflections": metrics.deflection.deflections,
        "deflection_rate": metrics.deflection.rate,
        "nps": nps_summary(since=period.start, until=period.end)["overall"].as_dict(),
        "known_issues": known_issue_summary(since=period.start, until=period.end),
        "escalations": metrics.escalated,
        "csat_average": metrics.satisfaction["overall"].average,
    }
    for contributor in summary_contributors:
        summary.update(contributor(period))
    return summary
