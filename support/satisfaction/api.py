"""Satisfaction in API v1 (docs/api.md, "Support"): the asker rates a solution, the customer a case.

- `POST /threads/{id}/feedback/` (docs/api.md): `{score: 1..5, comment?}` gives `201`
  `{score, comment, created_at}` (plus `thread`, `case`); anyone but the asker `403`; no
  accepted solution yet, or already rated, `409`; a score outside 1-5 `400`.
- `POST /cases/{id}/feedback/` (added): the same for a resolved or closed case and its
  customer; the case is `404` to anyone but its customer and agents, as GET /cases/{id}/.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors as community_selectors
from community.api.common import errors
from community.models import Member
from support.cases.selectors import case_get_for_viewer
from support.satisfaction.models import NpsResponse, Satisfaction
from support.satisfaction.selectors import nps_due
from support.satisfaction.services import (
    COMMENT_MAX,
    NPS_MAX,
    NPS_MIN,
    SCORE_MAX,
    SCORE_MIN,
    nps_postpone,
    nps_record,
    satisfaction_record,
)

_SCORE_MESSAGE = gettext_lazy("Choose a score from 1 to 5.")


class SatisfactionWriteSerializer(serializers.Serializer[dict[str, Any]]):
    score = serializers.IntegerField(
        min_value=SCORE_MIN,
        max_value=SCORE_MAX,
        help_text="1 (not at all) to 5 (completely).",
        error_messages={
            "invalid": _SCORE_MESSAGE,
            "min_value": _SCORE_MESSAGE,
            "max_value": _SCORE_MESSAGE,
        },
    )
    comment = serializers.CharField(
        max_length=COMMENT_MAX, required=False, allow_blank=True, default=""
    )


class SatisfactionSerializer(serializers.ModelSerializer[Satisfaction]):
    class Meta:
        model = Satisfaction
        fields = ["score", "comment", "created_at", "thread", "case"]
        read_only_fields = fields


def _record(request: Request, **target: Any) -> Response:
    serializer = SatisfactionWriteSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    rating = satisfaction_record(
        respondent=cast(Member, request.user),
        score=serializer.validated_data["score"],
        comment=serializer.validated_data["comment"],
        **target,
    )
    return Response(SatisfactionSerializer(rating).data, status=status.HTTP_201_CREATED)


class ThreadFeedbackView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="The asker rates the accepted solution, once: 1 (not at all) to 5 (completely).",
        request=SatisfactionWriteSerializer,
        responses={201: SatisfactionSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        thread = community_selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
        return _record(request, thread=thread)


class CaseFeedbackView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="The customer rates a resolved or closed case, once: 1 to 5.",
        request=SatisfactionWriteSerializer,
        responses={201: SatisfactionSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        # The case is 404 to anyone but its customer and agents, as GET /cases/{id}/.
        return _record(request, case=case_get_for_viewer(case_id=pk, viewer=request.user))


# ---------------------------------------------------------------------------- NPS
# - `GET /nps/prompt/`: `{due: bool}`, whether to ask the member now (selectors.nps_due).
# - `POST /nps/`: `{score: 0..10, comment?}` gives `201 {score, comment, created_at}`; `409`
#   if answered in the last 90 days; `400` out of range; `403` for staff.
# - `POST /nps/prompt/dismiss/` (added): the member dismissed the card; `200 {due: false,
#   postponed_until}`.

_NPS_SCORE_MESSAGE = gettext_lazy("Choose a score from 0 to 10.")


class NpsPromptSerializer(serializers.Serializer[dict[str, Any]]):
    due = serializers.BooleanField(help_text="Ask the member the NPS question now.")


class NpsDismissSerializer(NpsPromptSerializer):
    postponed_until = serializers.DateTimeField()


class NpsWriteSerializer(serializers.Serializer[dict[str, Any]]):
    score = serializers.IntegerField(
        min_value=NPS_MIN,
        max_value=NPS_MAX,
        help_text="0 (not at all likely) to 10 (extremely likely).",
        error_messages={
            "invalid": _NPS_SCORE_MESSAGE,
            "min_value": _NPS_SCORE_MESSAGE,
            "max_value": _NPS_SCORE_MESSAGE,
        },
    )
    comment = serializers.CharField(
        max_length=COMMENT_MAX, required=False, allow_blank=True, default=""
    )


class NpsResponseSerializer(serializers.ModelSerializer[NpsResponse]):
    class Meta:
        model = NpsResponse
        fields = ["score", "comment", "created_at"]
        read_only_fields = fields


class NpsPromptView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="Whether to ask the member how likely they are to recommend the brand.",
        responses={200: NpsPromptSerializer, **errors(401)},
    )
    def get(self, request: Request) -> Response:
        return Response({"due": nps_due(viewer=request.user)})


class NpsDismissView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="The member dismissed the question: asked again in 14 days at the earliest.",
        request=None,
        responses={200: NpsDismissSerializer, **errors(401)},
    )
    def post(self, request: Request) -> Response:
        until = nps_postpone(member=cast(Member, request.user))
        return Response({"due": False, "postponed_until": until})


class NpsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="The member answers: how likely, 0 to 10, to recommend the brand to a friend.",
        request=NpsWriteSerializer,
        responses={201: NpsResponseSerializer, **errors(400, 401, 403, 409)},
    )
    def post(self, request: Request) -> Response:
        serializer = NpsWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answer = nps_record(
            respondent=cast(Member, request.user),
            score=serializer.validated_data["score"],
            comment=serializer.validated_data["comment"],
        )
        return Response(NpsResponseSerializer(answer).data, status=status.HTTP_201_CREATED)
