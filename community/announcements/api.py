"""API v1, announcements (docs/api.md, "Announcements").

Choices left open by the contract, made here:
- GET /announcements/ lists what is pinned now, newest first, as a plain list (a handful at
  most): without `board`, the site-wide ones (the home page's); with `?board=<slug>`, the
  site-wide ones and that board's (the board page's). An unknown board is a 400. It ignores
  the caller's dismissals: those only tidy the pages.
- GET /announcements/{id}/ gives one, pinned or not (it has its own page); staff PATCH it
  (`{title?, body?, board?, pinned_until?}`; a `pinned_until` already passed unpins it)
  and DELETE it (204).
- Everyone but staff gets 401 (anonymous) or 403 on the writes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import permissions, selectors
from community.announcements import selectors as announcement_selectors
from community.announcements import services
from community.announcements.serializers import (
    AnnouncementCreateSerializer,
    AnnouncementFilterSerializer,
    AnnouncementSerializer,
    AnnouncementUpdateSerializer,
)
from community.api.common import _validated, errors
from community.http import request_member
from community.models import Board

TAGS = ["community"]


class IsStaffOrReadOnly(BasePermission):
    message = gettext_lazy("Only staff post and change announcements.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return bool(
            request.user.is_authenticated and permissions.can_manage_announcements(request.user)
        )


def _board(slug: Any) -> Board | None:
    return selectors.board_get_for_input(slug=slug) if slug else None


class AnnouncementListView(APIView):
    permission_classes = [IsStaffOrReadOnly]

    @extend_schema(
        tags=TAGS,
        summary="What is pinned now, newest first: site-wide, and a board's with ?board=.",
        parameters=[AnnouncementFilterSerializer],
        responses={200: AnnouncementSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        filters = _validated(AnnouncementFilterSerializer, request.query_params)
        pinned = announcement_selectors.announcements_pinned(board=_board(filters.get("board")))
        return Response(AnnouncementSerializer(pinned, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Pin an announcement (staff): site-wide, or to a board with `board`.",
        request=AnnouncementCreateSerializer,
        responses={201: AnnouncementSerializer, **errors(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        data = _validated(AnnouncementCreateSerializer, request.data)
        announcement = services.announcement_create(
            actor=request_member(request),
            title=data["title"],
            body=data["body"],
            board=_board(data.get("board")),
            pinned_until=data.get("pinned_until"),
        )
        return Response(
            AnnouncementSerializer(announcement).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": announcement.get_absolute_url()},
        )


class AnnouncementDetailView(APIView):
    permission_classes = [IsStaffOrReadOnly]

    @extend_schema(
        tags=TAGS,
        summary="One announcement, pinned or not.",
        responses={200: AnnouncementSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        announcement = announcement_selectors.announcement_get(announcement_id=pk)
        return Response(AnnouncementSerializer(announcement).data)

    @extend_schema(
        tags=TAGS,
        summary="Edit or unpin an announcement (staff); a pinned_until passed unpins it.",
        request=AnnouncementUpdateSerializer,
        responses={200: AnnouncementSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        announcement = announcement_selectors.announcement_get(announcement_id=pk)
        data = _validated(AnnouncementUpdateSerializer, request.data)
        changes: dict[str, Any] = {}
        if "board" in data:
            changes["board"] = _board(data["board"])
        if "pinned_until" in data:
            changes["pinned_until"] = data["pinned_until"]
        updated = services.announcement_update(
            actor=request_member(request),
            announcement=announcement,
            title=data.get("title"),
            body=data.get("body"),
            **changes,
        )
        return Response(AnnouncementSerializer(updated).data)

    @extend_schema(
        tags=TAGS,
        summary="Delete an announcement (staff).",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        announcement = announcement_selectors.announcement_get(announcement_id=pk)
        services.announcement_delete(actor=request_member(request), announcement=announcement)
        return Response(status=status.HTTP_204_NO_CONTENT)
