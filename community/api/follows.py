"""What a member keeps an eye on, in API v1: bookmarks."""

from __future__ import annotations

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
from community.serializers import BookmarkedThreadSerializer, BookmarkStateSerializer


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
