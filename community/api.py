"""API v1 (docs/api.md): each view turns a request into one service or selector call.

Errors are not handled here: the services raise ValidationError, PermissionDenied, Conflict
and RateLimited, the selectors Http404, and config.api.exception_handler turns them into
400, 403, 409, 429 and 404 with the bodies docs/api.md promises.

Choices left open by docs/api.md, made here:
- GET /threads/ answers 400 for a filter value it doesn't know (a status or ordering not on
  the list, a board, tag or author that doesn't exist); an empty value means no filter.
- kudos: POST gives `{given, kudos_count}`, 201 the first time and 200 after; DELETE is 204,
  or 404 if the member had not given kudos.
- subscription: POST gives `{following: true}`, 201 when new and 200 if already following;
  DELETE is 204 whether or not the member was following (unfollowing has no side effects).
- lock (moderators): POST and DELETE /threads/{id}/lock/ give 200 and the thread.
- GET /threads/similar/ is a plain list (at most five); GET /search/ pages with
  `page` (at most 100) and `page_size` (at most 50).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from community import permissions, selectors, services
from community.adapters import LOCKED_OUT, lockout_seconds
from community.errors import RateLimited
from community.http import request_member
from community.models import Board, Post, Thread
from community.permissions import Viewer
from community.serializers import (
    SEARCH_PAGE_MAX,
    BoardSerializer,
    DetailSerializer,
    KudosStateSerializer,
    PostSerializer,
    PostWriteSerializer,
    SearchHitSerializer,
    SearchPageSerializer,
    SearchQuerySerializer,
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
from config.clientip import client_ip
from config.throttling import AccountThrottle, AddressThrottle

SEARCH_PAGE_SIZE = 20
T = TypeVar("T")


_ERROR_DESCRIPTIONS = {
    400: "Bad input: `{field: [message]}` or `{detail: message}`.",
    401: "Not logged in.",
    403: "Not allowed; `detail` says why.",
    404: "No such thing, or not visible to you.",
    409: "The thing's state forbids it (a locked thread, no solution to withdraw).",
    429: "Posting too fast; wait for the Retry-After header's seconds.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error responses an operation may give."""
    return {
        code: OpenApiResponse(
            response=OpenApiTypes.OBJECT if code == 400 else DetailSerializer,
            description=_ERROR_DESCRIPTIONS[code],
        )
        for code in codes
    }


class TokenRequestSerializer(serializers.Serializer[dict[str, str]]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenCreateView(APIView):
    """Exchange a username and password for an API token.

    Wrong credentials give one and the same 400 whether or not the member exists, so the
    endpoint cannot be used to find out who has an account.

    Guessing is bounded three ways, all answering 429 with Retry-After: per client address
    and per account (the throttles, config.throttling), and by the web sign-in's lock-out:
    the password is checked through allauth's adapter, so a failure here counts toward the
    same per-account limit (ACCOUNT_RATE_LIMITS["login_failed"]) as one on the sign-in page,
    and an account locked out there is locked out here. Without Redis the checks refuse
    with 503 rather than allow.
    """

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle, AccountThrottle]
    throttle_scope = "auth_token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            **errors(400, 429),
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            member = get_adapter(request._request).authenticate(
                request._request,
                username=serializer.validated_data["username"],
                password=serializer.validated_data["password"],
            )
        except DjangoValidationError as error:
            if error.code != LOCKED_OUT:
                raise
            raise RateLimited(error.messages[0], retry_after=lockout_seconds()) from None
        if member is None or not member.is_active:
            return Response(
                {"detail": _("Unable to log in with the username and password given.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if not EmailAddress.objects.filter(user=member, verified=True).exists():
            return Response(
                {"detail": _("Confirm your email address before using the API.")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _created = Token.objects.get_or_create(user=member)
        return Response({"token": token.key})


# ---------------------------------------------------------------------------- helpers


def _viewer(request: Request) -> Viewer:
    return cast(Viewer, request.user)


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _known(field: str, message: str, lookup: Callable[[], T]) -> T:
    """A lookup of something the client named in its input: a 400 on that field, not 404."""
    try:
        return lookup()
    except Http404:
        raise serializers.ValidationError({field: [message]}) from None


def _viewer_key(request: Request) -> str:
    """Who is viewing, for counting views once an hour: the same key as the web pages."""
    if request.user.is_authenticated:
        return f"m{request.user.pk}"
    raw = f"{client_ip(request)}|{request.META.get('HTTP_USER_AGENT', '')}"
    return "a" + hashlib.sha256(raw.encode()).hexdigest()[:24]


def _thread_data(request: Request, thread: Thread) -> dict[str, Any]:
    viewer = _viewer(request)
    given = selectors.viewer_kudos(viewer=viewer, thread=thread, posts=[])["threads"]
    state = {
        "kudos_given": thread.pk in given,
        "following": selectors.viewer_follows(viewer=viewer, thread=thread),
        "can_edit": permissions.can_edit_thread(viewer, thread),
        "can_retag": permissions.can_retag_thread(viewer, thread),
        "can_delete": permissions.can_delete_thread(viewer, thread),
        "can_accept_solution": permissions.can_accept_solution(viewer, thread),
        "can_lock": permissions.can_lock_thread(viewer),
    }
    return cast(
        dict[str, Any],
        ThreadDetailSerializer(thread, context={"request": request, "viewer": state}).data,
    )


def _thread_response(request: Request, thread_id: int, code: int = status.HTTP_200_OK) -> Response:
    """The thread as it is now, after a write: counters and solution fresh from the database."""
    thread = selectors.thread_get_for_viewer(thread_id=thread_id, viewer=_viewer(request))
    headers = {}
    if code == status.HTTP_201_CREATED:
        headers["Location"] = reverse("api-thread-detail", kwargs={"pk": thread.pk})
    return Response(_thread_data(request, thread), status=code, headers=headers)


def _posts_data(request: Request, thread: Thread, posts: Iterable[Post]) -> list[dict[str, Any]]:
    posts = list(posts)
    viewer = _viewer(request)
    given = selectors.viewer_kudos(viewer=viewer, thread=thread, posts=posts)["posts"]
    state = {
        post.pk: {
            "kudos_given": post.pk in given,
            "can_edit": permissions.can_edit_post(viewer, post),
            "can_delete": permissions.can_delete_post(viewer, post),
        }
        for post in posts
    }
    context = {"request": request, "solution_id": thread.solution_id, "viewer": state}
    return cast(list[dict[str, Any]], PostSerializer(posts, many=True, context=context).data)


def _post_response(request: Request, post: Post, code: int = status.HTTP_200_OK) -> Response:
    return Response(_posts_data(request, post.thread, [post])[0], status=code)


def _thread_for(request: Request, pk: int) -> Thread:
    return selectors.thread_get_for_viewer(thread_id=pk, viewer=_viewer(request))


def _post_for(request: Request, pk: int) -> Post:
    return selectors.post_get_for_viewer(post_id=pk, viewer=_viewer(request))


# ---------------------------------------------------------------------------- boards


@extend_schema(tags=["community"], summary="The boards, in their display order.")
class BoardListView(ListAPIView[Board]):
    serializer_class = BoardSerializer

    def get_queryset(self) -> QuerySet[Board]:
        return selectors.board_list()


# ---------------------------------------------------------------------------- threads


class ThreadListView(GenericAPIView[Thread]):
    serializer_class = ThreadSerializer

    def get_queryset(self) -> QuerySet[Thread]:
        filters = _validated(ThreadFilterSerializer, self.request.query_params)
        board_slug = filters.get("board")
        tag_slug = filters.get("tag")
        username = filters.get("author")
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


# ---------------------------------------------------------------------------- posts


class PostDetailView(APIView):
    @extend_schema(
        tags=["community"],
        summary="An answer.",
        responses={200: PostSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return _post_response(request, _post_for(request, pk))

    @extend_schema(
        tags=["community"],
        summary="Edit an answer; the edit keeps a revision.",
        request=PostWriteSerializer,
        responses={200: PostSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        post = _post_for(request, pk)
        data = _validated(PostWriteSerializer, request.data)
        services.post_update(post=post, editor=request_member(request), body=data["body"])
        return _post_response(request, post)

    @extend_schema(
        tags=["community"],
        summary="Delete an answer: its author or a moderator.",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.post_delete(post=_post_for(request, pk), actor=request_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# ---------------------------------------------------------------------------- kudos


def _kudos_give(request: Request, target: Thread | Post) -> Response:
    thread, post = (target, None) if isinstance(target, Thread) else (None, target)
    _kudos, created = services.kudos_give(giver=request_member(request), thread=thread, post=post)
    target.refresh_from_db(fields=["kudos_count"])
    return Response(
        {"given": True, "kudos_count": target.kudos_count},
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


def _kudos_withdraw(request: Request, target: Thread | Post) -> Response:
    thread, post = (target, None) if isinstance(target, Thread) else (None, target)
    if not services.kudos_withdraw(giver=request_member(request), thread=thread, post=post):
        raise NotFound(_("You have not given kudos to this."))
    return Response(status=status.HTTP_204_NO_CONTENT)


def _kudos_give_schema(summary: str) -> Any:
    return extend_schema(
        tags=["community"],
        summary=summary,
        request=None,
        responses={201: KudosStateSerializer, 200: KudosStateSerializer, **errors(401, 403, 404)},
    )


_kudos_withdraw_schema = extend_schema(
    tags=["community"],
    summary="Take the kudos back; 404 if none was given.",
    responses={204: None, **errors(401, 404)},
)


class ThreadKudosView(APIView):
    @_kudos_give_schema("Thank the asker: 201, or 200 if already given; own question 403.")
    def post(self, request: Request, pk: int) -> Response:
        return _kudos_give(request, _thread_for(request, pk))

    @_kudos_withdraw_schema
    def delete(self, request: Request, pk: int) -> Response:
        return _kudos_withdraw(request, _thread_for(request, pk))


class PostKudosView(APIView):
    @_kudos_give_schema("Thank the answerer: 201, or 200 if already given; own answer 403.")
    def post(self, request: Request, pk: int) -> Response:
        return _kudos_give(request, _post_for(request, pk))

    @_kudos_withdraw_schema
    def delete(self, request: Request, pk: int) -> Response:
        return _kudos_withdraw(request, _post_for(request, pk))


# ---------------------------------------------------------------------------- search


class SearchView(APIView):
    pagination_class = None

    @extend_schema(
        tags=["community"],
        summary="Questions and answers matching the words, best first; solved rank higher.",
        parameters=[SearchQuerySerializer],
        responses={200: SearchPageSerializer, **errors(400)},
    )
    def get(self, request: Request) -> Response:
        query = _validated(SearchQuerySerializer, request.query_params)
        page = query.get("page", 1)
        size = query.get("page_size", SEARCH_PAGE_SIZE)
        # One more than a page tells whether there is a next one without counting them all.
        hits = selectors.search(query=query["q"], limit=size + 1, offset=(page - 1) * size)
        url = request.build_absolute_uri()
        has_next = len(hits) > size and page < SEARCH_PAGE_MAX
        previous = None
        if page > 1:
            previous = (
                remove_query_param(url, "page")
                if page == 2
                else replace_query_param(url, "page", page - 1)
            )
        return Response(
            {
                "next": replace_query_param(url, "page", page + 1) if has_next else None,
                "previous": previous,
                "results": SearchHitSerializer(hits[:size], many=True).data,
            }
        )
