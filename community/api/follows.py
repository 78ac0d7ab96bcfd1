"""What a member keeps an eye on, in API v1: bookmarks, and following boards, tags and members."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors, services
from community.api.common import _thread_for, errors
from community.http import request_member
from community.models import Thread
from community.serializers import (
    BookmarkedThreadSerializer,
    BookmarkStateSerializer,
    SubscriptionStateSerializer,
)


class ThreadBookmarkView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["community"],
        summary="Bookmark the thread: 201 when new, 200 if already bookmarked.",
        request=None,
        responses={
            201: BookmarkStateSerializer,
            200: BookmarkStateSerializer,
            **errors(401, 404),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        created = services.bookmark_create(
            member=request_member(request), thread=_thread_for(request, pk)
        )
        return Response(
            {"bookmarked": True},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        tags=["community"],
        summary="Remove the bookmark; 204 whether or not there was one.",
        responses={204: None, **errors(401, 404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.bookmark_delete(member=request_member(request), thread=_thread_for(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberMeBookmarksView(GenericAPIView[Thread]):
    permission_classes = [IsAuthenticated]
    serializer_class = BookmarkedThreadSerializer

    def get_queryset(self) -> QuerySet[Thread]:
        return selectors.bookmark_list(member=request_member(self.request))

    @extend_schema(
        tags=["members"],
        summary="My bookmarked threads, the most recently bookmarked first.",
        responses={200: BookmarkedThreadSerializer(many=True), **errors(401)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(BookmarkedThreadSerializer(page, many=True).data)


class _PlaceSubscriptionView(APIView):
    """Follow (POST) or unfollow (DELETE) a board, a tag or a member."""

    permission_classes = [IsAuthenticated]
    place_name = ""

    def place(self, key: str) -> dict[str, Any]:
        raise NotImplementedError

    def _post(self, request: Request, key: str) -> Response:
        created = services.follow_create(member=request_member(request), **self.place(key))
        return Response(
            {"following": True}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def _delete(self, request: Request, key: str) -> Response:
        services.follow_delete(member=request_member(request), **self.place(key))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _follow_schema(what: str, codes: tuple[int, ...] = (401, 404)) -> Any:
    return extend_schema(
        tags=["community"],
        summary=f"Follow the {what}: new questions notify me; 201 when new, 200 if already.",
        request=None,
        responses={
            201: SubscriptionStateSerializer,
            200: SubscriptionStateSerializer,
            **errors(*codes),
        },
    )


def _unfollow_schema(what: str) -> Any:
    return extend_schema(
        tags=["community"],
        summary=f"Unfollow the {what}; 204 whether or not I was following.",
        responses={204: None, **errors(401, 404)},
    )


class BoardSubscriptionView(_PlaceSubscriptionView):
    def place(self, key: str) -> dict[str, Any]:
        return {"board": selectors.board_get(slug=key)}

    @_follow_schema("board")
    def post(self, request: Request, slug: str) -> Response:
        return self._post(request, slug)

    @_unfollow_schema("board")
    def delete(self, request: Request, slug: str) -> Response:
        return self._delete(request, slug)


class TagSubscriptionView(_PlaceSubscriptionView):
    def place(self, key: str) -> dict[str, Any]:
        return {"tag": selectors.tag_get(slug=key)}

    @_follow_schema("tag")
    def post(self, request: Request, slug: str) -> Response:
        return self._post(request, slug)

    @_unfollow_schema("tag")
    def delete(self, request: Request, slug: str) -> Response:
        return self._delete(request, slug)


class MemberSubscriptionView(_PlaceSubscriptionView):
    def place(self, key: str) -> dict[str, Any]:
        return {"author": selectors.member_get_by_username(username=key)}

    @_follow_schema("member (their new questions); following oneself is 400", (400, 401, 404))
    def post(self, request: Request, username: str) -> Response:
        return self._post(request, username)

    @_unfollow_schema("member")
    def delete(self, request: Request, username: str) -> Response:
        return self._delete(request, username)
