"""Ask the experts in API v1 (docs/api.md, "Deflection and experts").

- `GET /members/me/expert-requests/`: the questions offered to me, newest first, paginated:
  `{id, thread, thread_title, url, created_at, status}`.
- `POST /expert-requests/{id}/decline/`: `200` the request, declined (again: the same);
  a request offered to someone else is `404`.
- `GET /members/me/preferences/`, `PATCH ...`: `{expert_requests: bool, expert_away: bool}`;
  `expert_requests` opts in to being asked, `expert_away` pauses it.
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import errors
from community.models import Member
from support.experts.models import ExpertRequest
from support.experts.selectors import (
    expert_request_get_for_helper,
    expert_request_status,
    expert_requests_for,
    helper_settings_for,
)
from support.experts.services import expert_request_decline, helper_settings_update

STATUSES = ["open", "answered", "declined", "expired"]


class ExpertRequestSerializer(serializers.ModelSerializer[ExpertRequest]):
    thread_title = serializers.CharField(source="thread.title", read_only=True)
    url = serializers.CharField(source="thread.get_absolute_url", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = ExpertRequest
        fields = ["id", "thread", "thread_title", "url", "created_at", "status"]
        read_only_fields = fields

    @extend_schema(responses=serializers.ChoiceField(choices=STATUSES))
    def get_status(self, request: ExpertRequest) -> str:
        return expert_request_status(request)


class PreferencesSerializer(serializers.Serializer[dict[str, Any]]):
    expert_requests = serializers.BooleanField(
        required=False,
        help_text="Ask me about questions left unanswered on the boards and tags where my "
        "answers were accepted.",
    )
    expert_away = serializers.BooleanField(
        required=False, help_text="I'm away: don't ask me for now."
    )


def _preferences(member: Member) -> dict[str, bool]:
    row = helper_settings_for(member_id=member.pk)
    return {"expert_requests": row.expert_requests, "expert_away": row.away}


class ExpertRequestListView(GenericAPIView[ExpertRequest]):
    permission_classes = [IsAuthenticated]
    serializer_class = ExpertRequestSerializer

    @extend_schema(
        tags=["support"],
        summary="Questions offered to me as a proven helper, newest first.",
        responses={200: ExpertRequestSerializer(many=True), **errors(401)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(expert_requests_for(helper=cast(Member, request.user)))
        return self.get_paginated_response(ExpertRequestSerializer(page, many=True).data)


class ExpertRequestDeclineView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="Pass on a question offered to me.",
        request=None,
        responses={200: ExpertRequestSerializer, **errors(401, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        helper = cast(Member, request.user)
        offered = expert_request_get_for_helper(request_id=pk, helper=helper)
        declined = expert_request_decline(request=offered, helper=helper)
        return Response(ExpertRequestSerializer(declined).data)


class MemberPreferencesView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="My preferences.",
        responses={200: PreferencesSerializer, **errors(401)},
    )
    def get(self, request: Request) -> Response:
        return Response(_preferences(cast(Member, request.user)))

    @extend_schema(
        tags=["support"],
        summary="Change my preferences: only the fields sent.",
        request=PreferencesSerializer,
        responses={200: PreferencesSerializer, **errors(400, 401)},
    )
    def patch(self, request: Request) -> Response:
        member = cast(Member, request.user)
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        helper_settings_update(
            member=member, expert_requests=data.get("expert_requests"), away=data.get("expert_away")
        )
        return Response(_preferences(member))
