"""Canned replies in API v1 (docs/api.md, "Support"): agents' ready-made answers.

- `GET /canned-replies/`: the agent's own replies and the shared ones, by title. With
  `?case=<id>` each item's `text` is the body filled in for that case (else `null`).
- `POST /canned-replies/`: `{title, body, shared: bool}` gives `201`.
- `GET`, `PATCH`, `DELETE /canned-replies/{id}/`: a personal reply is its author's alone (404
  to other agents); a shared one is every agent's to read, its author's and admins' to change
  (403 to other agents). `DELETE` gives `204`.
- Everyone but agents gets 403 (staff without a second factor: `code: "mfa_required"`, from
  the project's authentication classes); a missing title or text, or a placeholder other than
  `{customer_name}` and `{thread_title}`, is a 400 on that field.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import errors
from community.http import request_member
from support.canned import selectors, services
from support.canned.models import BODY_MAX, TITLE_MAX, CannedReply
from support.canned.placeholders import placeholder_values, placeholders_fill
from support.cases.selectors import case_get_for_viewer, viewer_is_agent

TAGS = ["support"]


class IsAgent(BasePermission):
    message = _("Only agents have canned replies.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return viewer_is_agent(request.user)


class CannedReplySerializer(serializers.ModelSerializer[CannedReply]):
    author = serializers.CharField(source="author.username", read_only=True)
    can_edit = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField(
        help_text="The body filled in for the case given as `?case=`; null without one."
    )

    class Meta:
        model = CannedReply
        fields = [
            "id",
            "title",
            "body",
            "shared",
            "author",
            "can_edit",
            "text",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_can_edit(self, reply: CannedReply) -> bool:
        return services.canned_reply_can_edit(reply=reply, member=self.context["member"])

    def get_text(self, reply: CannedReply) -> str | None:
        values = self.context.get("values")
        return None if values is None else placeholders_fill(reply.body, values)


class CannedReplyWriteSerializer(serializers.Serializer[dict[str, Any]]):
    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(
        max_length=BODY_MAX,
        help_text="May name the placeholders {customer_name} and {thread_title}.",
    )
    shared = serializers.BooleanField(default=False, help_text="Every agent may use it.")


class CannedReplyFilterSerializer(serializers.Serializer[dict[str, Any]]):
    case = serializers.IntegerField(
        required=False, min_value=1, help_text="Fill the placeholders in for this case."
    )


def _context(request: Request, values: dict[str, str] | None = None) -> dict[str, Any]:
    return {"member": request_member(request), "values": values}


class CannedReplyListView(GenericAPIView[CannedReply]):
    permission_classes = [IsAuthenticated, IsAgent]
    serializer_class = CannedReplySerializer

    @extend_schema(
        tags=TAGS,
        summary="The agent's canned replies and the shared ones, by title.",
        parameters=[CannedReplyFilterSerializer],
        responses={200: CannedReplySerializer(many=True), **errors(400, 401, 403, 404)},
    )
    def get(self, request: Request) -> Response:
        query = CannedReplyFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        member = request_member(request)
        values = None
        if "case" in query.validated_data:
            case = case_get_for_viewer(case_id=query.validated_data["case"], viewer=member)
            values = placeholder_values(case)
        page = self.paginate_queryset(selectors.canned_replies_for_agent(agent=member))
        data = CannedReplySerializer(page, many=True, context=_context(request, values)).data
        return self.get_paginated_response(data)

    @extend_schema(
        tags=TAGS,
        summary="Write a canned reply, personal or shared with every agent.",
        request=CannedReplyWriteSerializer,
        responses={201: CannedReplySerializer, **errors(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        data = CannedReplyWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = services.canned_reply_create(author=request_member(request), **data.validated_data)
        return Response(
            CannedReplySerializer(reply, context=_context(request)).data,
            status=status.HTTP_201_CREATED,
        )


class CannedReplyDetailView(APIView):
    permission_classes = [IsAuthenticated, IsAgent]

    def _reply(self, request: Request, pk: int) -> CannedReply:
        return selectors.canned_reply_get_for_viewer(reply_id=pk, viewer=request_member(request))

    @extend_schema(
        tags=TAGS,
        summary="A canned reply: the agent's own or a shared one.",
        responses={200: CannedReplySerializer, **errors(401, 403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            CannedReplySerializer(self._reply(request, pk), context=_context(request)).data
        )

    @extend_schema(
        tags=TAGS,
        summary="Change a canned reply (its author; a shared one also admins).",
        request=CannedReplyWriteSerializer(partial=True),
        responses={200: CannedReplySerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        reply = self._reply(request, pk)
        data = CannedReplyWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        reply = services.canned_reply_update(
            reply=reply, actor=request_member(request), **data.validated_data
        )
        return Response(CannedReplySerializer(reply, context=_context(request)).data)

    @extend_schema(
        tags=TAGS,
        summary="Remove a canned reply (its author; a shared one also admins).",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.canned_reply_delete(reply=self._reply(request, pk), actor=request_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
