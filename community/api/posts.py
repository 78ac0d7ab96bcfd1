"""Answers in API v1: one answer, editing, deleting, and kudos on it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import services
from community.api.common import (
    _kudos_give,
    _kudos_give_schema,
    _kudos_withdraw,
    _kudos_withdraw_schema,
    _post_for,
    _post_response,
    _validated,
    errors,
)
from community.http import request_member
from community.serializers import (
    PostSerializer,
    PostWriteSerializer,
)


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


class PostKudosView(APIView):
    @_kudos_give_schema("Thank the answerer: 201, or 200 if already given; own answer 403.")
    def post(self, request: Request, pk: int) -> Response:
        return _kudos_give(request, _post_for(request, pk))

    @_kudos_withdraw_schema
    def delete(self, request: Request, pk: int) -> Response:
        return _kudos_withdraw(request, _post_for(request, pk))
