"""API v1, gamification (docs/api.md, "Gamification").

Each view turns a request into selector or service calls; config.api.exception_handler
turns the services' errors into 400, 403, 404 and 409.

Choices left open by docs/api.md, made here:
- GET /leaderboard/ defaults to `period=week`, also takes `period=payback` (the running
  payback period), and answers 400 for an unknown period or board. Its `results` are the
  top 100 with dense ranks, fifty a page (`page`, `page_size`, with `next`/`previous` as in
  every list); `me` is null for anonymous callers and `{rank: null, points}` for a member
  with no points in the period.
- GET /members/{username}/points/: 401 anonymous, 403 for anyone but the member and staff
  (the public profile already tells who exists); entries carry `reason_label` and `note`.
- GET /badges/ and GET /ranks/ are paginated like every list (one page in practice).
- Statements: GET /rewards/statements/{id}/ and PATCH it with `{payout_method}`; someone
  else's statement is a 404, as if it did not exist; past the deadline or below the
  minimum payout is a 409.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors as community_selectors
from community.api.common import errors
from community.http import request_member
from config.api import Pagination
from gamification import leaderboards, selectors
from gamification.models import LedgerEntry, Period, Statement
from gamification.serializers import (
    BadgeSerializer,
    ClawbackSerializer,
    LeaderboardQuerySerializer,
    LeaderboardRowSerializer,
    LeaderboardSerializer,
    LedgerEntrySerializer,
    MemberProfileSerializer,
    PaybackBulkApproveSerializer,
    PaybackBulkResultSerializer,
    PaybackClawbackSerializer,
    PaybackListQuerySerializer,
    PaybackPaidSerializer,
    PaybackTotalsSerializer,
    PayoutSerializer,
    RankInfoSerializer,
    StaffStatementDetailSerializer,
    StaffStatementSerializer,
    StatementSerializer,
    StatementUpdateSerializer,
    ViewerStandingSerializer,
)
from gamification.services import payback

TAGS = ["gamification"]


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# ---------------------------------------------------------------------------- members


class MemberDetailView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="A member: summary, points, rank progress, badges and activity counts.",
        responses={200: MemberProfileSerializer, **errors(404)},
    )
    def get(self, request: Request, username: str) -> Response:
        member = community_selectors.member_get_by_username(username=username)
        context = {
            "request": request,
            "standing": selectors.member_standing(member=member),
            "stats": community_selectors.member_stats(member=member),
        }
        return Response(MemberProfileSerializer(member, context=context).data)


class MemberPointsView(GenericAPIView[LedgerEntry]):
    permission_classes = [IsAuthenticated]
    serializer_class = LedgerEntrySerializer

    @extend_schema(
        tags=TAGS,
        summary="A member's points history, newest first: the member and staff only.",
        responses={200: LedgerEntrySerializer(many=True), **errors(401, 403, 404)},
    )
    def get(self, request: Request, username: str) -> Response:
        member = community_selectors.member_get_by_username(username=username)
        if not selectors.can_see_history(viewer=request.user, member=member):
            raise PermissionDenied(_("Only the member and staff can see a points history."))
        page = self.paginate_queryset(selectors.points_history(member=member))
        return self.get_paginated_response(LedgerEntrySerializer(page, many=True).data)


# ---------------------------------------------------------------------------- leaderboard


class LeaderboardPagination(Pagination):
    page_size = 50


class LeaderboardView(APIView):
    @extend_schema(
        tags=TAGS,
        summary="The top 100 of a period, dense-ranked, and the caller's own place.",
        parameters=[
            LeaderboardQuerySerializer,
            OpenApiParameter("page", OpenApiTypes.INT, description="1 or 2."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="At most 50."),
        ],
        responses={200: LeaderboardSerializer, **errors(400, 404)},
    )
    def get(self, request: Request) -> Response:
        query = _validated(LeaderboardQuerySerializer, request.query_params)
        slug = query.get("board")
        board = community_selectors.board_get_for_input(slug=slug) if slug else None
        board_view = leaderboards.leaderboard(
            period=query.get("period") or Period.WEEK, board=board, viewer=request.user
        )
        paginator = LeaderboardPagination()
        rows = paginator.paginate_queryset(board_view.rows, request, view=self) or []
        me = board_view.me
        return Response(
            {
                "period": board_view.period,
                "start": board_view.start,
                "board": board.slug if board else None,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": LeaderboardRowSerializer(
                    rows, many=True, context={"request": request}
                ).data,
                "me": ViewerStandingSerializer(me).data if me else None,
            }
        )


# ---------------------------------------------------------------------------- badges, ranks


class BadgeListView(GenericAPIView[Any]):
    serializer_class = BadgeSerializer

    @extend_schema(
        tags=TAGS,
        summary="Every badge, gold first, with how many members hold it.",
        responses={200: BadgeSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.badge_list())
        return self.get_paginated_response(BadgeSerializer(cast(Any, page), many=True).data)


class RankListView(GenericAPIView[Any]):
    serializer_class = RankInfoSerializer

    @extend_schema(
        tags=TAGS,
        summary="The ranks, lowest first, with their thresholds and privileges.",
        responses={200: RankInfoSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(selectors.rank_list())
        return self.get_paginated_response(RankInfoSerializer(cast(Any, page), many=True).data)


# ---------------------------------------------------------------------------- payback


class StatementListView(GenericAPIView[Statement]):
    permission_classes = [IsAuthenticated]
    serializer_class = StatementSerializer

    def get_queryset(self) -> QuerySet[Statement]:
        return selectors.statement_list(member=request_member(self.request))

    @extend_schema(
        tags=TAGS,
        summary="The caller's payback statements, latest period first.",
        responses={200: StatementSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(StatementSerializer(page, many=True).data)


class StatementDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="One of the caller's statements.",
        responses={200: StatementSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        statement = selectors.statement_get_for_member(
            statement_id=pk, member=request_member(request)
        )
        return Response(StatementSerializer(statement).data)

    @extend_schema(
        tags=TAGS,
        summary="Choose how to be paid, until the period's deadline.",
        request=StatementUpdateSerializer,
        responses={200: StatementSerializer, **errors(400, 401, 404, 409)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        member = request_member(request)
        statement = selectors.statement_get_for_member(statement_id=pk, member=member)
        data = _validated(StatementUpdateSerializer, request.data)
        updated = payback.statement_choose_method(
            statement=statement, member=member, method=data["payout_method"]
        )
        return Response(StatementSerializer(updated).data)


# ---------------------------------------------------------------------------- payback review


class CanReviewPayback(IsAuthenticated):
    """Signed in (401 otherwise) and allowed to review payback (403 with a message)."""

    message = gettext_lazy("Only staff who review payback may do this.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return super().has_permission(request, view) and selectors.can_review_payback(
            cast(Any, request.user)
        )


def _unsafe_cell(value: str) -> bool:
    return value[:1] in ("=", "+", "-", "@", "\t", "\r")


class PayoutCSVRenderer(BaseRenderer):
    """A period's payouts as CSV for finance: `?format=csv` or `Accept: text/csv`.

    Names are the members' own words: a cell that a spreadsheet would run as a formula
    is quoted with a leading apostrophe.
    """

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        rows = data if isinstance(data, list) else None
        if rows is None:  # an error: {"detail": ...}
            writer.writerow(["detail"])
            writer.writerow([str(data.get("detail", "")) if isinstance(data, dict) else ""])
            return out.getvalue().encode()
        writer.writerow(PayoutSerializer().fields.keys())
        for row in rows:
            writer.writerow(
                [
                    "'" + value if isinstance(value, str) and _unsafe_cell(value) else value
                    for value in ("" if v is None else v for v in row.values())
                ]
            )
        return out.getvalue().encode()


class PaybackStatementListView(GenericAPIView[Statement]):
    permission_classes = [CanReviewPayback]
    serializer_class = StaffStatementSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="payback_statement_list",
        summary="Staff: payback statements, latest period first, with the list's totals.",
        parameters=[PaybackListQuerySerializer],
        responses={
            200: inline_serializer(
                "PaybackStatementPage",
                {
                    "count": serializers.IntegerField(),
                    "next": serializers.CharField(allow_null=True),
                    "previous": serializers.CharField(allow_null=True),
                    "totals": PaybackTotalsSerializer(),
                    "results": StaffStatementSerializer(many=True),
                },
            ),
            **errors(400, 401, 403),
        },
    )
    def get(self, request: Request) -> Response:
        query = _validated(PaybackListQuerySerializer, request.query_params)
        statements = selectors.payback_statements(
            period_id=query.get("period"), status=query.get("status")
        )
        page = self.paginate_queryset(statements)
        response = self.get_paginated_response(StaffStatementSerializer(page, many=True).data)
        response.data["totals"] = PaybackTotalsSerializer(selectors.payback_totals(statements)).data
        return response


def _statement_detail(statement: Statement) -> dict[str, Any]:
    statement.ledger = list(selectors.payback_statement_ledger(statement=statement))  # type: ignore[attr-defined]
    statement.clawbacks = list(selectors.payback_clawbacks(statement=statement))  # type: ignore[attr-defined]
    return dict(StaffStatementDetailSerializer(statement).data)


class PaybackStatementDetailView(APIView):
    permission_classes = [CanReviewPayback]

    @extend_schema(
        tags=TAGS,
        operation_id="payback_statement_detail",
        summary="Staff: one statement with the ledger rows it was derived from and its clawbacks.",
        responses={200: StaffStatementDetailSerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(_statement_detail(selectors.payback_statement_get(statement_id=pk)))


class PaybackStatementApproveView(APIView):
    permission_classes = [CanReviewPayback]

    @extend_schema(
        tags=TAGS,
        operation_id="payback_statement_approve",
        summary="Staff: approve a statement awaiting review or flagged.",
        request=None,
        responses={200: StaffStatementSerializer, **errors(401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        statement = selectors.payback_statement_get(statement_id=pk)
        payback.statement_approve(statement=statement, reviewer=request_member(request))
        return Response(
            StaffStatementSerializer(selectors.payback_statement_get(statement_id=pk)).data
        )


class PaybackStatementsApproveView(APIView):
    permission_classes = [CanReviewPayback]

    @extend_schema(
        tags=TAGS,
        operation_id="payback_statements_approve",
        summary="Staff: approve several statements; those that cannot be are refused with why.",
        request=PaybackBulkApproveSerializer,
        responses={200: PaybackBulkResultSerializer, **errors(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        data = _validated(PaybackBulkApproveSerializer, request.data)
        approved, refused = payback.statements_approve(
            statement_ids=data["statements"], reviewer=request_member(request)
        )
        return Response(
            {
                "approved": [statement.pk for statement in approved],
                "refused": [{"id": s.pk, "detail": why} for s, why in refused],
            }
        )


class PaybackStatementPaidView(APIView):
    permission_classes = [CanReviewPayback]

    @extend_schema(
        tags=TAGS,
        summary="Staff: record that an approved statement was paid, with the reference.",
        request=PaybackPaidSerializer,
        responses={200: StaffStatementSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        statement = selectors.payback_statement_get(statement_id=pk)
        data = _validated(PaybackPaidSerializer, request.data)
        payback.statement_mark_paid(
            statement=statement, actor=request_member(request), reference=data["reference"]
        )
        return Response(
            StaffStatementSerializer(selectors.payback_statement_get(statement_id=pk)).data
        )


class PaybackStatementClawbackView(APIView):
    permission_classes = [CanReviewPayback]

    @extend_schema(
        tags=TAGS,
        summary="Staff: claw back points from an approved or paid statement, with the reason.",
        request=PaybackClawbackSerializer,
        responses={201: ClawbackSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        statement = selectors.payback_statement_get(statement_id=pk)
        data = _validated(PaybackClawbackSerializer, request.data)
        entry = payback.statement_clawback(
            statement=statement,
            points=data["points"],
            actor=request_member(request),
            reason=data["reason"],
        )
        return Response(ClawbackSerializer(entry).data, status=201)


class PaybackPayoutsQuerySerializer(serializers.Serializer[dict[str, Any]]):
    period = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="A period's id.")


class PaybackPayoutsView(APIView):
    """A period's approved and paid statements, for finance: JSON, or CSV with
    `?format=csv` (the staff page links to it)."""

    permission_classes = [CanReviewPayback]
    renderer_classes = [JSONRenderer, PayoutCSVRenderer]

    @extend_schema(
        tags=TAGS,
        summary="Staff: a period's payouts (approved and paid statements) as JSON or CSV.",
        parameters=[
            PaybackPayoutsQuerySerializer,
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"]),
        ],
        responses={200: PayoutSerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        query = _validated(PaybackPayoutsQuerySerializer, request.query_params)
        period = selectors.payback_period_get(period_id=query["period"])
        rows = PayoutSerializer(selectors.payback_payouts(period=period), many=True).data
        response = Response(rows)
        if request.accepted_renderer.format == "csv":
            response["Content-Disposition"] = (
                f'attachment; filename="mutua-payouts-{period.start.isoformat()}.csv"'
            )
        response["Cache-Control"] = "private, no-store"
        return response
