"""Flags in API v1 (docs/api.md, "Support"): POST /posts/{id}/flags/, /threads/{id}/flags/.

Choices left open by docs/api.md, made here:
- `201` with the flag `{id, kind, note, status, created_at, thread, post}`;
- a second flag on the same item by the same member is `409` ("You already flagged this."),
  whatever became of the first: a member's word counts once per item;
- the checks run in this order: `401` signed out, `404` an item the member can't see,
  `400` a body that isn't an object of strings, `403` no flag privilege (Member rank) or own
  content, `400` an unknown kind or a note over 500 characters, `409` already flagged.
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors
from community.api.common import errors
from community.models import Member
from community.serializers import StrictCharField
from support.moderation.models import Flag, FlagKind
from support.moderation.services import NOTE_MAX, flag_create


class FlagInputSerializer(serializers.Serializer[dict[str, str]]):
    """Types only; the service decides what a kind or a note may be (and says it in 403s
    before it complains about input)."""

    kind = StrictCharField(max_length=100, trim_whitespace=True)
    note = StrictCharField(required=False, allow_blank=True, trim_whitespace=True)


class FlagRequestSerializer(serializers.Serializer[dict[str, str]]):
    """The request, as the schema documents it."""

    kind = serializers.ChoiceField(choices=FlagKind.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=NOTE_MAX, help_text="Why, for moderators."
    )


class FlagSerializer(serializers.ModelSerializer[Flag]):
    thread = serializers.IntegerField(source="thread_id", read_only=True)
    post = serializers.IntegerField(source="post_id", read_only=True, allow_null=True)

    class Meta:
        model = Flag
        fields = ["id", "kind", "note", "status", "created_at", "thread", "post"]
        read_only_fields = fields


def _flag(request: Request, **target: Any) -> Response:
    data = FlagInputSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    flag = flag_create(
        flagger=cast(Member, request.user),
        kind=data.validated_data["kind"],
        note=data.validated_data.get("note", ""),
        **target,
    )
    return Response(FlagSerializer(flag).data, status=status.HTTP_201_CREATED)


def _schema(summary: str) -> Any:
    return extend_schema(
        tags=["support"],
        summary=summary,
        request=FlagRequestSerializer,
        responses={201: FlagSerializer, **errors(400, 401, 403, 404, 409)},
    )


class ThreadFlagView(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("Flag a question for the moderators (Member rank and up).")
    def post(self, request: Request, pk: int) -> Response:
        thread = selectors.thread_get_for_viewer(thread_id=pk, viewer=cast(Member, request.user))
        return _flag(request, thread=thread)


class PostFlagView(APIView):
    permission_classes = [IsAuthenticated]

    @_schema("Flag an answer for the moderators (Member rank and up).")
    def post(self, request: Request, pk: int) -> Response:
        post = selectors.post_get_for_viewer(post_id=pk, viewer=cast(Member, request.user))
        return _flag(request, post=post)
