"""API v1, drafts (docs/api.md, "Drafts"): the signed-in member's own, one per form.

- PUT /drafts/ `{key, title?, body}` saves (creating or replacing) and gives 200 with the
  draft; a key that isn't 1-64 of a-z, 0-9, - and _, a title over 150 or a body over 20,000
  characters, or a 101st draft, is a 400 on that field.
- GET /drafts/{key}/ gives it (404 if none); DELETE gives 204 (404 if none).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import _validated, errors
from community.drafts import selectors, services
from community.drafts.models import Draft
from community.http import request_member
from community.serializers import StrictCharField

TAGS = ["community"]


class DraftSerializer(serializers.ModelSerializer[Draft]):
    class Meta:
        model = Draft
        fields = ["key", "title", "body", "updated_at"]
        read_only_fields = fields


class DraftWriteSerializer(serializers.Serializer[dict[str, Any]]):
    key = StrictCharField(max_length=64, help_text='The form: "ask", "thread-12".')
    title = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)
    body = StrictCharField(allow_blank=True, trim_whitespace=False, help_text="Markdown source.")


class DraftListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Save my draft of a form, replacing the one before.",
        request=DraftWriteSerializer,
        responses={200: DraftSerializer, **errors(400, 401)},
    )
    def put(self, request: Request) -> Response:
        data = _validated(DraftWriteSerializer, request.data)
        draft = services.draft_save(
            member=request_member(request),
            key=data["key"],
            title=data.get("title", ""),
            body=data["body"],
        )
        return Response(DraftSerializer(draft).data)


class DraftDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="My draft of a form; 404 if none.",
        responses={200: DraftSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, key: str) -> Response:
        draft = selectors.draft_get(member=request_member(request), key=key)
        return Response(DraftSerializer(draft).data)

    @extend_schema(
        tags=TAGS,
        summary="Discard my draft of a form; 404 if none.",
        responses={204: None, **errors(401, 404)},
    )
    def delete(self, request: Request, key: str) -> Response:
        draft = selectors.draft_get(member=request_member(request), key=key)
        services.draft_discard(member_id=draft.member_id, key=draft.key)
        return Response(status=status.HTTP_204_NO_CONTENT)
