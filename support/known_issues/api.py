"""API v1, Known issues (docs/api.md, "Known issues").

Each view turns a request into one service or selector call. The services raise
ValidationError, PermissionDenied and Conflict, the selectors Http404; config.api's
exception handler turns them into 400, 403, 409 and 404.

Choices left open by the contract, made here:
- Known issues are public: anyone may list them, read one, and ask for the matching ones.
- Staff are agents and moderators (and admins). A member who is not staff gets 403 from
  the staff writes, before the body is read; a visitor 401.
- GET /known-issues/ is paginated like every list; an unknown `status` is a 400.
- POST .../threads/ answers 201 for a new link and 200 when the question was linked to this
  issue already; a question linked to another issue moves to this one (201).
  DELETE .../threads/{thread_id}/ on a question not linked to the issue is a 404.
- "I have this too" on a resolved issue is a 409; DELETE answers 204 whether or not the
  member had said it. Both answer with the count where a body is sent.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import errors
from community.http import request_member
from community.models import Member
from support.known_issues import selectors, services
from support.known_issues.models import KnownIssue
from support.known_issues.serializers import (
    KnownIssueCreateSerializer,
    KnownIssueEditSerializer,
    KnownIssueFilterSerializer,
    KnownIssueLinkSerializer,
    KnownIssueMatchingQuerySerializer,
    KnownIssueMatchSerializer,
    KnownIssueSerializer,
    KnownIssueUpdateSerializer,
    KnownIssueUpdateWriteSerializer,
    MeTooSerializer,
)

TAGS = ["known issues"]


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _staff(request: Request) -> Member:
    member = request_member(request)
    if not selectors.viewer_is_known_issue_staff(member):
        raise PermissionDenied(_("Only agents and moderators can manage known issues."))
    return member


def _issue_response(issue_id: int, code: int = status.HTTP_200_OK) -> Response:
    issue = selectors.known_issue_get(known_issue_id=issue_id)
    headers = {}
    if code == status.HTTP_201_CREATED:
        headers["Location"] = reverse("api-known-issue-detail", kwargs={"pk": issue.pk})
    return Response(KnownIssueSerializer(issue).data, status=code, headers=headers)


class KnownIssueListView(GenericAPIView[KnownIssue]):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = KnownIssueSerializer

    @extend_schema(
        tags=TAGS,
        summary="Known issues, newest first; `status=open|resolved` narrows them.",
        parameters=[KnownIssueFilterSerializer],
        responses={200: KnownIssueSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        filters = _validated(KnownIssueFilterSerializer, request.query_params)
        page = self.paginate_queryset(
            selectors.known_issue_list(status=filters.get("status") or None)
        )
        return self.get_paginated_response(KnownIssueSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Open a known issue (staff), by hand or from a trending alert.",
        request=KnownIssueCreateSerializer,
        responses={201: KnownIssueSerializer, **errors(400, 401, 403)},
    )
    def post(self, request: Request) -> Response:
        actor = _staff(request)
        data = _validated(KnownIssueCreateSerializer, request.data)
        alert_id = data.get("from_alert")
        issue = services.known_issue_create(
            actor=actor,
            title=data["title"],
            description=data.get("description", ""),
            boards=selectors.boards_get_for_input(slugs=data.get("boards", [])),
            tags=selectors.tags_get_for_input(slugs=data.get("tags", [])),
            from_alert=selectors.trending_alert_get_for_input(alert_id=alert_id)
            if alert_id
            else None,
        )
        return _issue_response(issue.pk, status.HTTP_201_CREATED)


class KnownIssueDetailView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        tags=TAGS,
        summary="A known issue with its updates, newest first.",
        responses={200: KnownIssueSerializer, **errors(404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(KnownIssueSerializer(selectors.known_issue_get(known_issue_id=pk)).data)

    @extend_schema(
        tags=TAGS,
        summary="Change a known issue (staff); `status: resolved` tells everyone affected.",
        description=(
            "Resolving notifies every member who said “I have this too” and every asker of "
            "a linked question. Another status reopens a resolved issue."
        ),
        request=KnownIssueEditSerializer,
        responses={200: KnownIssueSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        actor = _staff(request)
        issue = selectors.known_issue_get_for_write(known_issue_id=pk)
        data = _validated(KnownIssueEditSerializer, request.data)
        services.known_issue_edit(
            known_issue=issue,
            actor=actor,
            title=data.get("title"),
            description=data.get("description"),
            status=data.get("status"),
            boards=selectors.boards_get_for_input(slugs=data["boards"])
            if "boards" in data
            else None,
            tags=selectors.tags_get_for_input(slugs=data["tags"]) if "tags" in data else None,
        )
        return _issue_response(issue.pk)


class KnownIssueUpdateListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Post a dated public update (staff); its subscribers are notified.",
        request=KnownIssueUpdateWriteSerializer,
        responses={201: KnownIssueUpdateSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        actor = _staff(request)
        issue = selectors.known_issue_get_for_write(known_issue_id=pk)
        data = _validated(KnownIssueUpdateWriteSerializer, request.data)
        update = services.known_issue_update_post(known_issue=issue, actor=actor, body=data["body"])
        return Response(KnownIssueUpdateSerializer(update).data, status=status.HTTP_201_CREATED)


class KnownIssueMeTooView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="“I have this too”: 201 when new, 200 if said already; follows the issue.",
        request=None,
        responses={201: MeTooSerializer, 200: MeTooSerializer, **errors(401, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        issue = selectors.known_issue_get_for_write(known_issue_id=pk)
        created = services.known_issue_me_too(known_issue=issue, member=request_member(request))
        issue.refresh_from_db(fields=["me_too_count"])
        return Response(
            {"me_too_count": issue.me_too_count, "me_too": True},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        tags=TAGS,
        summary="Take back “I have this too” (and stop following); 204 either way.",
        responses={204: None, **errors(401, 404)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        issue = selectors.known_issue_get_for_write(known_issue_id=pk)
        services.known_issue_me_too_withdraw(known_issue=issue, member=request_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class KnownIssueThreadListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Link a question to the known issue (staff): 201, or 200 if linked already.",
        request=KnownIssueLinkSerializer,
        responses={
            201: KnownIssueSerializer,
            200: KnownIssueSerializer,
            **errors(400, 401, 403, 404),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        actor = _staff(request)
        issue = selectors.known_issue_get_for_write(known_issue_id=pk)
        data = _validated(KnownIssueLinkSerializer, request.data)
        thread = selectors.thread_get_for_link(thread_id=data["thread"])
        linked = services.known_issue_thread_link(known_issue=issue, thread=thread, actor=actor)
        return _issue_response(issue.pk, status.HTTP_201_CREATED if linked else status.HTTP_200_OK)


class KnownIssueThreadDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Unlink a question from the known issue (staff).",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request: Request, pk: int, thread_id: int) -> Response:
        actor = _staff(request)
        issue = selectors.known_issue_get_for_write(known_issue_id=pk)
        if not selectors.known_issue_has_thread(known_issue=issue, thread_id=thread_id):
            raise Http404(_("This question is not linked to the known issue."))
        services.known_issue_thread_unlink(
            known_issue=issue,
            thread=selectors.thread_get_for_link(thread_id=thread_id),
            actor=actor,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class KnownIssueMatchingView(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    @extend_schema(
        tags=TAGS,
        summary="Open known issues matching a question being typed, best first.",
        parameters=[KnownIssueMatchingQuerySerializer],
        responses={200: KnownIssueMatchSerializer(many=True), **errors(400)},
    )
    def get(self, request: Request) -> Response:
        query = _validated(KnownIssueMatchingQuerySerializer, request.query_params)
        matches = selectors.known_issues_matching(title=query["title"])
        return Response(KnownIssueMatchSerializer(matches, many=True).data)
