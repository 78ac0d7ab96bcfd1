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

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors
from community.api.common import errors
from community.models import Member
from community.serializers import MemberSummarySerializer, StrictCharField
from support.moderation.models import Flag, FlagKind
from support.moderation.review import review_approve, review_reject
from support.moderation.selectors import (
    ReviewItem,
    post_for_moderation,
    review_queue_items,
    review_queue_rows,
    thread_for_moderation,
)
from support.moderation.services import NOTE_MAX, flag_create, require_moderator


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


# --- the review of new members' first posts ----------------------------------------------------
# GET /moderation/review/: what waits, oldest first (paginated); POST
# /moderation/review/threads/{id}/approve/ (or /reject/, and /posts/{id}/...) with `{reason?}`
# decides: `200 {type, id, decision}`. Moderators only: `403` for other members (before any
# `404`, so the ids of held content tell them nothing), `409` when it isn't waiting (another
# moderator decided first), `400` for a reason over 500 characters.


class ReviewItemSerializer(serializers.Serializer[Any]):
    type = serializers.SerializerMethodField(help_text='"thread" or "post".')
    id = serializers.IntegerField(source="content.pk")
    thread = serializers.IntegerField(source="thread.pk")
    thread_title = serializers.CharField(source="thread.title")
    board = serializers.CharField(source="thread.board.slug")
    author = MemberSummarySerializer()
    author_joined_at = serializers.DateTimeField(source="author.date_joined")
    body = serializers.CharField(source="content.body")
    body_html = serializers.CharField(source="content.body_html")
    created_at = serializers.DateTimeField(source="content.created_at")
    url = serializers.CharField(source="content.get_absolute_url")

    @extend_schema_field(serializers.ChoiceField(choices=["thread", "post"]))
    def get_type(self, item: ReviewItem) -> str:
        return "post" if item.post is not None else "thread"


class ReviewDecisionRequestSerializer(serializers.Serializer[dict[str, str]]):
    reason = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=True,
        help_text="Why, for the author (optional; at most 500 characters).",
    )


class ReviewDecisionSerializer(serializers.Serializer[dict[str, Any]]):
    type = serializers.ChoiceField(choices=["thread", "post"])
    id = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=["approved", "rejected"])


def _require_moderator(request: Request) -> Member:
    member = cast(Member, request.user)
    require_moderator(member)
    return member


class ReviewQueueView(GenericAPIView[Any]):
    permission_classes = [IsAuthenticated]
    serializer_class = ReviewItemSerializer

    @extend_schema(
        tags=["support"],
        summary="New members' questions and answers waiting for review, oldest first (moderators).",
        responses={200: ReviewItemSerializer(many=True), **errors(401, 403)},
    )
    def get(self, request: Request) -> Response:
        _require_moderator(request)
        page = self.paginate_queryset(review_queue_rows())
        items = review_queue_items(list(page or []))
        return self.get_paginated_response(ReviewItemSerializer(items, many=True).data)


class ReviewDecisionView(APIView):
    """One decision on one question or answer; the subclasses below name which."""

    permission_classes = [IsAuthenticated]
    kind = "thread"
    decision = "approve"

    def decide(self, request: Request, pk: int) -> Response:
        actor = _require_moderator(request)
        data = ReviewDecisionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reason = data.validated_data.get("reason", "")
        decide = review_approve if self.decision == "approve" else review_reject
        if self.kind == "thread":
            thread = thread_for_moderation(thread_id=pk)
            if thread is None:
                raise Http404(_("No such thread."))
            decide(actor=actor, thread=thread, reason=reason)
        else:
            post = post_for_moderation(post_id=pk)
            if post is None:
                raise Http404(_("No such answer."))
            decide(actor=actor, post=post, reason=reason)
        decision = "approved" if self.decision == "approve" else "rejected"
        return Response({"type": self.kind, "id": pk, "decision": decision})


def _decision_schema(summary: str) -> Any:
    return extend_schema(
        tags=["support"],
        summary=summary,
        request=ReviewDecisionRequestSerializer,
        responses={200: ReviewDecisionSerializer, **errors(400, 401, 403, 404, 409)},
    )


class ReviewThreadApproveView(ReviewDecisionView):
    kind, decision = "thread", "approve"

    @_decision_schema("Approve a new member's question: public and announced (moderators).")
    def post(self, request: Request, pk: int) -> Response:
        return self.decide(request, pk)


class ReviewThreadRejectView(ReviewDecisionView):
    kind, decision = "thread", "reject"

    @_decision_schema("Reject a new member's question: only its author sees it (moderators).")
    def post(self, request: Request, pk: int) -> Response:
        return self.decide(request, pk)


class ReviewPostApproveView(ReviewDecisionView):
    kind, decision = "post", "approve"

    @_decision_schema("Approve a new member's answer: public, counted, announced (moderators).")
    def post(self, request: Request, pk: int) -> Response:
        return self.decide(request, pk)


class ReviewPostRejectView(ReviewDecisionView):
    kind, decision = "post", "reject"

    @_decision_schema("Reject a new member's answer: only its author sees it (moderators).")
    def post(self, request: Request, pk: int) -> Response:
        return self.decide(request, pk)
