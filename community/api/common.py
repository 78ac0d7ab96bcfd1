"""What the community's API views share: error descriptions for the schema, input checks,
the thread and answer responses."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from community import permissions, selectors, services
from community.http import request_member
from community.models import Post, Thread
from community.permissions import Viewer
from community.serializers import (
    DetailSerializer,
    KudosStateSerializer,
    PostSerializer,
    ThreadDetailSerializer,
)
from config.clientip import client_ip

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
        "can_close_duplicate": permissions.can_close_duplicate(viewer),
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
