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

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors as community_selectors
from community.api.common import errors
from community.http import request_member
from config.api import Pagination
from gamification import selectors
from gamification.models import LedgerEntry, Period, Statement
from gamification.serializers import (
    BadgeSerializer,
    LeaderboardQuerySerializer,
    LeaderboardRowSerializer,
    LeaderboardSerializer,
    LedgerEntrySerializer,
    MemberProfileSerializer,
    RankInfoSerializer,
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
        board_view = selectors.leaderboard(
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
