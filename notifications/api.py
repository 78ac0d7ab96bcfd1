"""API v1, notifications (docs/api.md, "Notifications").

Each view turns a request into one selector or service call; every read and write is
scoped to the caller, so nobody reaches another member's inbox (their ids are ignored).

Choices left open by docs/api.md, made here:
- GET /notifications/ pages like every list (`page`, `page_size` up to 50, `count`), and
  adds `unread_count`; `?unread=1` (or `true`) lists only unread ones, `?unread=0` or an
  empty value all of them, anything else is a 400.
- POST /notifications/read/: `ids` must be a list of at most 500 integers (ids that aren't
  yours, or no longer exist, are ignored); `{"ids": [...], "all": true}` together is a 400.
"""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import errors
from community.http import request_member
from config.api import Pagination
from notifications import selectors, services
from notifications.models import Notification
from notifications.serializers import (
    MarkReadSerializer,
    NotificationSerializer,
    UnreadCountSerializer,
    UnreadQuerySerializer,
)

TAGS = ["notifications"]


class InboxPagination(Pagination):
    """The usual page, with the member's unread count first."""

    unread_count = 0

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data = {"unread_count": self.unread_count, **response.data}
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {
            "unread_count": {"type": "integer", "example": 3},
            **paginated["properties"],
        }
        paginated["required"] = ["unread_count", *paginated.get("required", [])]
        return paginated


class NotificationListView(GenericAPIView[Notification]):
    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    pagination_class = InboxPagination

    @extend_schema(
        tags=TAGS,
        summary="Your notifications, newest first, with your unread count.",
        parameters=[UnreadQuerySerializer],
        responses={200: NotificationSerializer(many=True), **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        query = UnreadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        notifications = selectors.notification_list(
            member_id=request_member(request).pk,
            unread_only=query.validated_data["unread"],
            actor_groups=True,
        )
        page = self.paginate_queryset(notifications)
        data = NotificationSerializer(page, many=True, context={"request": request}).data
        # Counted after the page is read, so the count is at least as fresh as the page.
        cast(InboxPagination, self.paginator).unread_count = services.unread_count(
            member_id=request_member(request).pk
        )
        return self.get_paginated_response(data)


class NotificationReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Mark some (ids) or all of your notifications read.",
        request=MarkReadSerializer,
        responses={200: UnreadCountSerializer, **errors(400, 401)},
    )
    def post(self, request: Request) -> Response:
        body = MarkReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        count = services.notifications_mark_read(
            member_id=request_member(request).pk,
            ids=body.validated_data.get("ids"),
            everything=body.validated_data["all"],
        )
        return Response({"unread_count": count})
