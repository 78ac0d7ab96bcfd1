"""The insights in API v1 (docs/api.md, "Satisfaction and the voice of the customer"), staff only:

- `GET /insights/summary/?days=7|30|90` (default 30): support.insights.summary;
- `GET /insights/export/?days=...&format=csv|json` (default json): support.insights.export,
  per day and per board, tag, case category and root cause.

Anyone signed in who is not staff (agents, moderators, admins) gets 404, as the dashboard's
pages; an unknown `days` or `format` is 400.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import errors
from community.models import Member
from support.insights import export as voc_export
from support.insights.selectors import DEFAULT_PERIOD, PERIODS, period_for
from support.insights.summary import insights_summary

DAYS = OpenApiParameter("days", int, enum=list(PERIODS), description="7, 30 (default) or 90")


def _staff_or_404(request: Request) -> None:
    user = request.user
    if not isinstance(user, Member) or not (user.is_agent or user.is_moderator):
        raise Http404


def _days(request: Request) -> int:
    raw = request.query_params.get("days", str(DEFAULT_PERIOD))
    if not raw.isdigit() or int(raw) not in PERIODS:
        raise ValidationError({"days": _("Choose 7, 30 or 90 days.")})
    return int(raw)


_NPS = inline_serializer(
    "InsightsNps",
    {
        "score": serializers.IntegerField(allow_null=True),
        "promoters": serializers.IntegerField(),
        "passives": serializers.IntegerField(),
        "detractors": serializers.IntegerField(),
        "responses": serializers.IntegerField(),
    },
)
_SUMMARY = inline_serializer(
    "InsightsSummary",
    {
        "questions": serializers.IntegerField(),
        "solved_share": serializers.FloatField(allow_null=True),
        "community_solved_share": serializers.FloatField(allow_null=True),
        "first_answer_median_s": serializers.IntegerField(allow_null=True),
        "deflections": serializers.IntegerField(),
        "deflection_rate": serializers.FloatField(allow_null=True),
        "nps": _NPS,
        "known_issues": inline_serializer(
            "InsightsKnownIssue",
            {
                "id": serializers.IntegerField(),
                "absorbed_threads": serializers.IntegerField(),
                "me_too_count": serializers.IntegerField(),
            },
            many=True,
        ),
        "escalations": serializers.IntegerField(),
        "csat_average": serializers.FloatField(allow_null=True),
    },
)

_EXPORT = inline_serializer(
    "InsightsExport",
    {
        "days": serializers.IntegerField(),
        "since": serializers.DateTimeField(),
        "until": serializers.DateTimeField(),
        "rows": inline_serializer(
            "InsightsExportRow",
            {
                "date": serializers.DateField(),
                "board": serializers.CharField(
                    allow_blank=True, help_text="The board's slug on board rows, else empty."
                ),
                "dimension": serializers.ChoiceField(choices=list(voc_export.DIMENSIONS)),
                "key": serializers.CharField(allow_blank=True),
                "questions": serializers.IntegerField(allow_null=True),
                "solved": serializers.IntegerField(allow_null=True),
                "cases": serializers.IntegerField(),
                "cases_by_category": serializers.DictField(child=serializers.IntegerField()),
                "cases_by_root_cause": serializers.DictField(child=serializers.IntegerField()),
                "csat_average": serializers.FloatField(allow_null=True),
                "csat_responses": serializers.IntegerField(),
                "nps": inline_serializer(
                    "InsightsExportNps",
                    {
                        "score": serializers.IntegerField(allow_null=True),
                        "promoters": serializers.IntegerField(),
                        "passives": serializers.IntegerField(),
                        "detractors": serializers.IntegerField(),
                        "responses": serializers.IntegerField(),
                    },
                    allow_null=True,
                ),
                "comments": serializers.ListField(child=serializers.CharField()),
            },
            many=True,
        ),
    },
)


class InsightsSummaryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="The period's figures: questions, solutions, deflections, NPS, CSAT (staff).",
        parameters=[DAYS],
        responses={200: _SUMMARY, **errors(400, 401, 404)},
    )
    def get(self, request: Request) -> Response:
        _staff_or_404(request)
        return Response(insights_summary(days=_days(request)))


class InsightsExportView(APIView):
    permission_classes = [IsAuthenticated]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # `format` is this endpoint's own parameter (csv or json), not DRF's renderer
        # override, which would answer 404 for csv: JSON is rendered, CSV written by hand.
        return (JSONRenderer(), JSONRenderer.media_type)

    @extend_schema(
        tags=["support"],
        summary="Per day and per board, tag, case category and root cause: questions, "
        "solved, cases by category and root cause, CSAT, NPS and the comments (staff). "
        "JSON, or CSV with format=csv.",
        description="Each row is a local day and one `dimension` (`all`, `board`, `tag`, "
        '`category`, `root_cause`) with its `key` (a slug; `""` for `all` and for cases '
        "not classified). `questions` and `solved` are null for category and root cause; "
        "`nps` is null for board and tag. The NPS of a category or root cause is that of "
        "the members who had such a case opened in the period (docs/api.md).",
        parameters=[
            DAYS,
            OpenApiParameter("format", str, enum=["json", "csv"], description="json (default)"),
        ],
        responses={
            (200, "application/json"): _EXPORT,
            (200, "text/csv"): OpenApiTypes.STR,
            **errors(400, 401, 404),
        },
    )
    def get(self, request: Request) -> Response | HttpResponse:
        _staff_or_404(request)
        days = _days(request)
        kind = request.query_params.get("format", "json")
        if kind not in ("json", "csv"):
            raise ValidationError({"format": _("Choose csv or json.")})
        period = period_for(days)
        rows = voc_export.export_rows(period)
        if kind == "json":
            data: dict[str, Any] = {
                "days": days,
                "since": period.start,
                "until": period.end,
                "rows": [row.as_dict() for row in rows],
            }
            return Response(data)
        stamp = timezone.localtime(period.end).date().isoformat()
        response = HttpResponse(voc_export.export_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="mutua-insights-{days}d-{stamp}.csv"'
        )
        response["Cache-Control"] = "private, no-store"
        return response
