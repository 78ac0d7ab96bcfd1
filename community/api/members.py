"""The member's own account: their personal data as JSON, and deleting the account
(README, "Personal data")."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors, services
from community.adapters import password_confirm
from community.api.common import _validated, errors
from community.http import request_member

TAGS = ["members"]


class MemberDeleteSerializer(serializers.Serializer[dict[str, object]]):
    password = serializers.CharField(
        max_length=128, trim_whitespace=False, help_text="The member's current password."
    )
    remove_content = serializers.BooleanField(
        default=False,
        help_text=(
            "Also delete the member's questions that have no answers and their answers that "
            "aren't an accepted solution. Everything else stays, shown as a deleted member."
        ),
    )


class DeleteWithBodySchema(AutoSchema):
    """drf-spectacular leaves request bodies out of DELETE; this one confirms with a password."""

    def _get_request_body(self, direction: str = "request") -> Any:
        method = self.method
        self.method = "POST"
        try:
            return super()._get_request_body(direction)
        finally:
            self.method = method


class MemberMeView(APIView):
    permission_classes = [IsAuthenticated]
    schema = DeleteWithBodySchema()

    @extend_schema(
        tags=TAGS,
        summary="Delete my account: personal data erased, content kept as a deleted member.",
        request=MemberDeleteSerializer,
        responses={204: None, **errors(400, 401, 409, 429)},
    )
    def delete(self, request: Request) -> Response:
        data = _validated(MemberDeleteSerializer, request.data)
        password_confirm(request._request, request_member(request), data["password"])
        services.member_delete(
            member=request_member(request),
            actor=request_member(request),
            password=data["password"],
            remove_content=data["remove_content"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberMeExportView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Everything the community holds about me, as JSON (never internal notes).",
        responses={
            200: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description=(
                    "`{exported_at, profile, threads, posts, kudos_given, points, badges, "
                    "statements, cases, notifications, preferences, following, flags, "
                    "sanctions, satisfaction}`."
                ),
            ),
            **errors(401),
        },
    )
    def get(self, request: Request) -> Response:
        data = selectors.member_data_export(member=request_member(request))
        return Response(
            data, headers={"Content-Disposition": 'attachment; filename="mutua-my-data.json"'}
        )
