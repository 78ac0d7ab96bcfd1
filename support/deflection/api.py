"""Deflection in API v1 (docs/api.md, "Deflection and experts").

- `POST /deflections/` `{thread: id, query}`: "This solved it" on the ask form; `201` the
  deflection, `200` with the same one when the member already recorded it for that question
  today (idempotent); a thread that does not exist or is not visible `400` on `thread`; one
  without a public solution `409`; past the member's daily cap `429` with Retry-After.
- `PATCH /deflections/{id}/` `{helpful: bool}` (added): was the answer enough? The member's
  own deflections only; anyone else's is `404`.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors as community_selectors
from community.api.common import errors
from community.models import Member, Thread
from support.deflection.models import Deflection
from support.deflection.selectors import deflection_get_for_member
from support.deflection.services import QUERY_MAX, deflection_rate, deflection_record


class DeflectionWriteSerializer(serializers.Serializer[dict[str, Any]]):
    thread = serializers.IntegerField(help_text="The solved question whose solution answered it.")
    query = serializers.CharField(
        max_length=QUERY_MAX, help_text="The title being typed on the ask form."
    )


class DeflectionRateSerializer(serializers.Serializer[dict[str, Any]]):
    helpful = serializers.BooleanField(
        help_text="True: the solution was enough; false: it helped, but not quite."
    )


class DeflectionSerializer(serializers.ModelSerializer[Deflection]):
    helpful = serializers.BooleanField(
        allow_null=True, read_only=True, help_text="Was the answer enough? null until said."
    )

    class Meta:
        model = Deflection
        fields = ["id", "thread", "query", "helpful", "created_at"]
        read_only_fields = fields


def _thread(request: Request, thread_id: int) -> Thread:
    try:
        return community_selectors.thread_get_for_viewer(thread_id=thread_id, viewer=request.user)
    except Http404:
        raise serializers.ValidationError(
            {"thread": [_("There is no question with that id.")]}
        ) from None


class DeflectionCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="“This solved it”: a solved question's solution answered what I was about "
        "to ask. No question is created.",
        request=DeflectionWriteSerializer,
        responses={
            201: DeflectionSerializer,
            200: DeflectionSerializer,
            **errors(400, 401, 409, 429),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = DeflectionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deflection, created = deflection_record(
            member=cast(Member, request.user),
            thread=_thread(request, serializer.validated_data["thread"]),
            query=serializer.validated_data["query"],
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(DeflectionSerializer(deflection).data, status=code)


class DeflectionDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="Say whether the solution that answered me was enough.",
        request=DeflectionRateSerializer,
        responses={200: DeflectionSerializer, **errors(400, 401, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        member = cast(Member, request.user)
        deflection = deflection_get_for_member(deflection_id=pk, member=member)
        serializer = DeflectionRateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        deflection = deflection_rate(
            deflection=deflection, member=member, helpful=serializer.validated_data["helpful"]
        )
        return Response(DeflectionSerializer(deflection).data)
