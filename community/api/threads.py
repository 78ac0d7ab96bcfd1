"""Boards and threads in API v1: lists, a thread, its answers, similar questions, the
solution, following, locking and kudos on a question."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors, services
from community.api.common import (
    _known,
    _kudos_give,
    _kudos_give_schema,
    _kudos_withdraw,
    _kudos_withdraw_schema,
    _post_for,
    _post_response,
    _posts_data,
    _thread_data,
    _thread_for,
    _thread_response,
    _validated,
    _viewer_key,
    errors,
)
from community.http import request_member
from community.models import Board, Post, Thread
from community.serializers import (
    BoardSerializer,
    PostSerializer,
    PostWriteSerializer,
    SimilarQuerySerializer,
    SimilarThreadSerializer,
    SolutionSerializer,
    SubscriptionStateSerializer,
    ThreadCreateSerializer,
    ThreadDetailSerializer,
    ThreadFilterSerializer,
    ThreadSerializer,
    ThreadUpdateSerializer,
)


@extend_schema(tags=["community"], summary="The boards, in their display order.")
class BoardListView(ListAPIView[Board]):
    serializer_class = BoardSerializer

    def get_queryset(self) -> QuerySet[Board]:
        return selectors.board_list()


class ThreadListView(GenericAPIView[Thread]):
    serializer_class = ThreadSerializer

    def get_queryset(self) -> QuerySet[Thread]:
        filters = _validated(ThreadFilterSerializer, self.request.query_params)
        board_slug = filters.get("board")
        tag_slug = filters.get("tag")
        username = filters.get("author")
        viewer = self.request.user
        # A member's own questions include those waiting for review (`pending_review`).
        own = bool(
            username
            and viewer.is_authenticated
            and viewer.get_username().lower() == str(username).lower()
        )
        return selectors.thread_list(
            board=selectors.board_get_for_input(slug=board_slug) if board_slug else None,
            tag=_known(
                "tag",
                _("There is no tag called “%(slug)s”.") % {"slug": tag_slug},
                lambda: selectors.tag_get(slug=tag_slug),
            )
            if tag_slug
            else None,
            author=_known(
                "author",
                _("There is no member called “%(username)s”.") % {"username": username},
                lambda: selectors.member_get_by_username(username=username),
            )
            if username
            else None,
            status=filters.get("status") or None,
            ordering=filters.get("ordering") or "-last_activity_at",
            with_own_pending=own,
        )

    @extend_schema(
        tags=["community"],
        summary="Threads, newest activity first unless ordered otherwise.",
        parameters=[ThreadFilterSerializer],
        responses={200: ThreadSerializer(many=True), **errors(400, 404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ThreadSerializer(page, many=True).data)

    @extend_schema(
        tags=["community"],
        summary="Ask a question.",
        request=ThreadCreateSerializer,
        responses={201: ThreadDetailSerializer, **errors(400, 401, 403, 429)},
    )
    def post(self, request: Request) -> Response:
        data = _validated(ThreadCreateSerializer, request.data)
        thread = services.thread_create(
            author=request_member(request),
            board=selectors.board_get_for_input(slug=data["board"]),
            title=data["title"],
            body=data["body"],
            tags=data.get("tags", ()),
        )
        return _thread_response(request, thread.pk, status.HTTP_201_CREATED)


class ThreadDetailView(APIView):
    @extend_schema(
        tags=["community"],
        summary="A thread, with what the viewer may do with it.",
        responses={200: ThreadDetailSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        thread = _thread_for(request, pk)
        if services.thread_view_record(thread=thread, viewer_key=_viewer_key(request)):
            thread.view_count += 1
        return Response(_thread_data(request, thread))

    @extend_schema(
        tags=["community"],
        summary="Edit a question; the edit keeps a revision.",
        request=ThreadUpdateSerializer,
        responses={200: ThreadDetailSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        thread = _thread_for(request, pk)
        data = _validated(ThreadUpdateSerializer, request.data)
        services.thread_update(
            thread=thread,
            editor=request_member(request),
            title=data.get("title"),
            body=data.get("body"),
            tags=data.get("tags"),
        )
        return _thread_response(request, thread.pk)

    @extend_schema(
        tags=["community"],
        summary="Delete a question: its author while it has no answers, or a moderator.",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.thread_delete(thread=_thread_for(request, pk), actor=request_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadPostListView(GenericAPIView[Post]):
    serializer_class = PostSerializer

    def get_queryset(self) -> QuerySet[Post]:
        return selectors.thread_answers(
            thread=_thread_for(self.request, self.kwargs["pk"]), viewer=self.request.user
        )

    @extend_schema(
        tags=["community"],
        summary="The answers: the solution first, then oldest first.",
        responses={200: PostSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        thread = _thread_for(request, pk)
        page = self.paginate_queryset(selectors.thread_answers(thread=thread, viewer=request.user))
        return self.get_paginated_response(_posts_data(request, thread, page or []))

    @extend_schema(
        tags=["community"],
        summary="Answer the question.",
        request=PostWriteSerializer,
        responses={201: PostSerializer, **errors(400, 401, 404, 409, 429)},
    )
    def post(self, request: Request, pk: int) -> Response:
        thread = _thread_for(request, pk)
        data = _validated(PostWriteSerializer, request.data)
        post = services.post_create(
            author=request_member(request), thread=thread, body=data["body"]
        )
        return _post_response(request, post, status.HTTP_201_CREATED)


class ThreadSimilarView(APIView):
    pagination_class = None

    @extend_schema(
        tags=["community"],
        summary="Questions like the title being typed, best first: for the ask form.",
        parameters=[SimilarQuerySerializer],
        responses={200: SimilarThreadSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        query = _validated(SimilarQuerySerializer, request.query_params)
        similar = selectors.thread_similar(title=query["title"])
        return Response(SimilarThreadSerializer(similar, many=True).data)


class ThreadSolutionView(APIView):
    @extend_schema(
        tags=["community"],
        summary="Accept an answer as the solution, replacing an earlier one.",
        request=SolutionSerializer,
        responses={200: ThreadDetailSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        thread = _thread_for(request, pk)
        post_id = _validated(SolutionSerializer, request.data)["post"]
        post = _known(
            "post", _("There is no answer with that id."), lambda: _post_for(request, post_id)
        )
        services.solution_accept(thread=thread, post=post, actor=request_member(request))
        return _thread_response(request, thread.pk)

    @extend_schema(
        tags=["community"],
        summary="Withdraw the solution: the thread is open again.",
        responses={200: ThreadDetailSerializer, **errors(401, 403, 404, 409)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        thread = _thread_for(request, pk)
        services.solution_withdraw(thread=thread, actor=request_member(request))
        return _thread_response(request, thread.pk)


class ThreadSubscriptionView(APIView):
    @extend_schema(
        tags=["community"],
        summary="Follow the thread: 201 when new, 200 if already following.",
        request=None,
        responses={
            201: SubscriptionStateSerializer,
            200: SubscriptionStateSerializer,
            **errors(401, 404),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        created = services.subscription_create(
            member=request_member(request), thread=_thread_for(request, pk)
        )
        return Response(
            {"following": True}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        tags=["community"],
        summary="Unfollow the thread; 204 whether or not the member was following.",
        responses={204: None, **errors(401, 404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.subscription_delete(
            member=request_member(request), thread=_thread_for(request, pk)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ThreadLockView(APIView):
    @extend_schema(
        tags=["community"],
        summary="Lock the thread: no new answers, no change of solution (moderators).",
        request=None,
        responses={200: ThreadDetailSerializer, **errors(401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        thread = _thread_for(request, pk)
        services.thread_lock(thread=thread, actor=request_member(request), locked=True)
        return _thread_response(request, thread.pk)

    @extend_schema(
        tags=["community"],
        summary="Unlock the thread (moderators).",
        responses={200: ThreadDetailSerializer, **errors(401, 403, 404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        thread = _thread_for(request, pk)
        services.thread_lock(thread=thread, actor=request_member(request), locked=False)
        return _thread_response(request, thread.pk)


class ThreadKudosView(APIView):
    @_kudos_give_schema("Thank the asker: 201, or 200 if already given; own question 403.")
    def post(self, request: Request, pk: int) -> Response:
        return _kudos_give(request, _thread_for(request, pk))

    @_kudos_withdraw_schema
    def delete(self, request: Request, pk: int) -> Response:
        return _kudos_withdraw(request, _thread_for(request, pk))
