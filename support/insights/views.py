"""The staff dashboard (/support/dashboard/) and its CSV export: agents and moderators only.

Anyone signed in who is neither gets 404, as if the page did not exist; a visitor who is not
signed in is sent to sign in (staff reach the page from a bookmark while signed out).
The metrics and their definitions are in support/dashboard.py.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from community.models import Member
from support.insights import breakdowns, trending
from support.insights import selectors as dashboard
from support.insights.charts import (
    Chart,
    bar_chart,
    duration_text,
    line_chart,
    percent_text,
    questions_text,
)
from support.known_issues import selectors as known_issues
from support.satisfaction import selectors as satisfaction

# The CSV's columns: stable identifiers for spreadsheets and scripts, not translated.
CSV_COLUMNS = [
    "date",
    "questions",
    "answered",
    "solved",
    "solved_share_percent",
    "community_solved",
    "escalated",
    "median_first_answer_minutes",
]


def _staff_or_404(request: HttpRequest) -> Member:
    member = request.user
    if not isinstance(member, Member) or not (member.is_agent or member.is_moderator):
        raise Http404(_("No such page."))
    return member


def _days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", dashboard.DEFAULT_PERIOD))
    except ValueError:
        return dashboard.DEFAULT_PERIOD
    return days if days in dashboard.PERIODS else dashboard.DEFAULT_PERIOD


def _charts(days: list[dashboard.Day]) -> list[Chart]:
    dates = [d.day for d in days]
    first_answers = [
        None if d.median_first_answer is None else d.median_first_answer.total_seconds() / 60
        for d in days
    ]
    return [
        bar_chart(
            slug="questions",
            title=_("Questions per day"),
            desc=_("How many questions members asked each day of the period."),
            y_label=_("Questions"),
            value_heading=_("Questions"),
            days=dates,
            values=[d.questions for d in days],
            describe=questions_text,
        ),
        line_chart(
            slug="solved-share",
            title=_("Solved share per day"),
            desc=_(
                "Of the questions asked each day, the share with an accepted solution now. "
                "Days without questions have no point."
            ),
            y_label=_("Solved"),
            value_heading=_("Solved share"),
            days=dates,
            values=[None if d.solved_share is None else 100 * d.solved_share for d in days],
            fmt=lambda v: percent_text(v / 100),
            top_value=100,
            missing=_("no questions"),
        ),
        line_chart(
            slug="first-answer",
            title=_("Median time to first answer per day"),
            desc=_(
                "For the questions asked each day that have an answer, the median time "
                "until the first one. Days without answered questions have no point."
            ),
            y_label=_("Time"),
            value_heading=_("Median time to first answer"),
            days=dates,
            values=first_answers,
            fmt=lambda minutes: duration_text(minutes * 60),
            missing=_("no answers"),
        ),
    ]


@login_required
@require_GET
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    _staff_or_404(request)
    days = _days(request)
    metrics = dashboard.dashboard_metrics(days=days)
    case_labels = breakdowns.cases_by_label(metrics.period)
    by_place = breakdowns.questions_by_board_and_tag(metrics.period)
    nps = satisfaction.nps_summary(since=metrics.period.start, until=metrics.period.end)
    tabs = [
        (
            n,
            ngettext("%(n)d day", "%(n)d days", n) % {"n": n},
            f"{reverse('staff-dashboard')}?days={n}",
        )
        for n in dashboard.PERIODS
    ]
    context: dict[str, Any] = {
        "m": metrics,
        "days": days,
        "tabs": tabs,
        "charts": _charts(metrics.days),
        "export_url": f"{reverse('staff-dashboard-export')}?days={days}",
        "figures": {
            "community_solved_share": percent_text(metrics.community_solved_share),
            "solved_without_case_share": percent_text(metrics.solved_without_case_share),
            "solved_share": percent_text(metrics.solved_share),
            "escalation_rate": percent_text(metrics.escalation_rate),
            "deflection_rate": percent_text(metrics.deflection.rate),
            "first_answer_median": duration_text(metrics.first_answer.median),
            "first_answer_p90": duration_text(metrics.first_answer.p90),
            "first_answer_routed": duration_text(metrics.first_answer_routed.median),
            "first_answer_unrouted": duration_text(metrics.first_answer_unrouted.median),
            "solution_median": duration_text(metrics.solution.median),
            "solution_p90": duration_text(metrics.solution.p90),
        },
        "satisfaction_groups": [
            (_("Overall"), metrics.satisfaction["overall"]),
            (_("Community helpers"), metrics.satisfaction["helpers"]),
            (_("Staff (agents and staff answers)"), metrics.satisfaction["agents"]),
        ],
        "nps_groups": [
            (_("Everyone"), nps["overall"]),
            (_("Helpers"), nps["helpers"]),
            (_("Askers"), nps["askers"]),
            (_("Members with a case"), nps["with_case"]),
        ],
        "nps_trend": [
            (month, formats.date_format(month, "YEAR_MONTH_FORMAT"), score)
            for month, score in satisfaction.nps_trend()
        ],
        "question_tables": [
            (_("By board"), by_place["board"]),
            (_("By tag"), by_place["tag"]),
        ],
        "case_label_tables": [
            (_("By category"), case_labels["category"]),
            (_("By root cause"), case_labels["root_cause"]),
        ],
        "nps_comments": satisfaction.nps_comments(
            since=metrics.period.start, until=metrics.period.end
        ),
        "known_issues": known_issues.known_issue_impact(),
        "trending_rule": {
            "factor": trending.TRENDING_FACTOR,
            "minimum": trending.TRENDING_MIN_QUESTIONS,
            "baseline_days": trending.TRENDING_BASELINE.days,
        },
    }
    response = render(request, "support/dashboard.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_GET
def staff_dashboard_export(request: HttpRequest) -> HttpResponse:
    """The daily series as CSV: one row per day of the period, oldest first."""
    _staff_or_404(request)
    days = _days(request)
    period = dashboard.period_for(days)
    stamp = timezone.localtime(period.end).date().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mutua-dashboard-{days}d-{stamp}.csv"'
    patch_cache_control(response, private=True, no_store=True)
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for day in dashboard.daily_series(period):
        median = day.median_first_answer
        writer.writerow(
            [
                day.day.isoformat(),
                day.questions,
                day.answered,
                day.solved,
                "" if day.solved_share is None else f"{100 * day.solved_share:.1f}",
                day.community_solved,
                day.escalated,
                "" if median is None else f"{median.total_seconds() / 60:.1f}",
            ]
        )
    return response
