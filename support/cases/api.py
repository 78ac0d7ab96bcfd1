"""API v1, Support: cases (docs/api.md, "Support").

Each view turns a request into one service or selector call. Errors are not handled here:
the services raise ValidationError, PermissionDenied and Conflict, the selectors Http404,
and config.api.exception_handler turns them into 400, 403, 409 and 404.

Choices left open by docs/api.md, made here:
- Every endpoint needs a signed-in member: anonymous clients get 401.
- GET /cases/{id}/, its messages and PATCH answer 404 to anyone but the customer and
  agents, so case ids reveal nothing; PATCH by the customer is 403 (they may see the case
  but only agents change it).
- GET /cases/ answers 400 for a filter value it doesn't know (a status or reason not on the
  list, a member or board that doesn't exist); an empty value means no filter. Besides
  `status`, `assignee` (`me` or a username) and `reason` it takes `board=<slug>` and
  `ordering`; `status=active` means new, open or waiting.
- PATCH takes `assignee: null` to unassign; an unknown username or a member who is not an
  agent is a 400 on `assignee`. Reopening a case while a newer one about the same thread is
  active is a 400 on `status`.
- Messages: GET lists them oldest first (the customer never gets internal notes); POST
  gives 201 and the message. A customer posting `internal: true` gets 403; writing to a
  closed case (or to an old case while a newer one about the thread is active) is a 409.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors as community_selectors
from community.api.common import errors
from community.http import request_member
from community.models import Member
from support.cases import selectors, services
from support.cases.models import Case, CaseMessage
from support.cases.serializers import (
    CaseFilterSerializer,
    CaseMessageSerializer,
    CaseMessageWriteSerializer,
    CaseSerializer,
    CaseUpdateSerializer,
    EscalateSerializer,
)

TAGS = ["support"]


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _named_member(field: str, username: str) -> Member:
    """A member the client named in its input: a 400 on that field if there is none."""
    member = selectors.member_get_for_input(username=username)
    if member is None:
        raise serializers.ValidationError(
            {field: [_("There is no member called “%(username)s”.") % {"username": username}]}
        )
    return member


def _case_response(case_id: int, code: int = status.HTTP_200_OK) -> Response:
    """The case as it is now, after a write, with its people loaded in one go."""
    case = selectors.case_get(case_id=case_id)
    headers = {}
    if code == status.HTTP_201_CREATED:
        headers["Location"] = reverse("api-case-detail", kwargs={"pk": case.pk})
    return Response(CaseSerializer(case).data, status=code, headers=headers)


class ThreadEscalateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="Ask an agent: the asker or a moderator hands the question to staff.",
        description=(
            "201 and the new case; 200 and the same case if one about the thread is already "
            "active. Only the person who asked and moderators may."
        ),
        request=EscalateSerializer,
        responses={201: CaseSerializer, 200: CaseSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        thread = community_selectors.thread_get_for_viewer(thread_id=pk, viewer=request.user)
        data = _validated(EscalateSerializer, request.data)
        case, opened = services.case_escalate(
            thread=thread, actor=request_member(request), message=data.get("message", "")
        )
        return _case_response(case.pk, status.HTTP_201_CREATED if opened else status.HTTP_200_OK)


class CaseListView(GenericAPIView[Case]):
    permission_classes = [IsAuthenticated]
    serializer_class = CaseSerializer

    def get_queryset(self) -> QuerySet[Case]:
        filters = _validated(CaseFilterSerializer, self.request.query_params)
        viewer = request_member(self.request)
        assignee_name = filters.get("assignee")
        board_slug = filters.get("board")
        assignee = None
        if assignee_name == "me":
            assignee = viewer
        elif assignee_name:
            assignee = _named_member("assignee", assignee_name)
        return selectors.case_list(
            viewer=viewer,
            status=filters.get("status") or None,
            reason=filters.get("reason") or None,
            assignee=assignee,
            board=community_selectors.board_get_for_input(slug=board_slug) if board_slug else None,
            ordering=filters.get("ordering") or None,
        )

    @extend_schema(
        tags=TAGS,
        summary="Cases: agents see all of them, anyone else their own.",
        parameters=[CaseFilterSerializer],
        responses={200: CaseSerializer(many=True), **errors(400, 401)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CaseSerializer(page, many=True).data)


class CaseDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        summary="A case: for its customer and agents; 404 for anyone else.",
        responses={200: CaseSerializer, **errors(401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_viewer(case_id=pk, viewer=request.user)
        return Response(CaseSerializer(case).data)

    @extend_schema(
        tags=TAGS,
        summary="Change a case's status, assignee or priority (agents).",
        description="Each change joins the case's timeline. The customer gets 403.",
        request=CaseUpdateSerializer,
        responses={200: CaseSerializer, **errors(400, 401, 403, 404)},
    )
    def patch(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_viewer(case_id=pk, viewer=request.user)
        actor = request_member(request)
        if not selectors.viewer_is_agent(actor):
            # Before reading the body: the customer hears "not allowed", not "bad input".
            raise PermissionDenied(_("Only agents can change cases."))
        data = _validated(CaseUpdateSerializer, request.data)
        unassign = "assignee" in data and data["assignee"] is None
        assignee = _named_member("assignee", data["assignee"]) if data.get("assignee") else None
        services.case_update(
            case=case,
            actor=actor,
            status=data.get("status"),
            assignee=assignee,
            unassign=unassign,
            priority=data.get("priority"),
            # Absent: unchanged; null (or ""): cleared.
            category=(data["category"] or "") if "category" in data else None,
            root_cause=(data["root_cause"] or "") if "root_cause" in data else None,
        )
        return _case_response(case.pk)


class CaseMessageListView(GenericAPIView[CaseMessage]):
    permission_classes = [IsAuthenticated]
    serializer_class = CaseMessageSerializer

    @extend_schema(
        tags=TAGS,
        summary="The case's private conversation, oldest first.",
        description="Internal notes are listed for agents only.",
        responses={200: CaseMessageSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_viewer(case_id=pk, viewer=request.user)
        messages = selectors.case_messages_for_viewer(case=case, viewer=request.user)
        page = self.paginate_queryset(messages)
        return self.get_paginated_response(CaseMessageSerializer(page, many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Write in the case's conversation; `internal` notes are for agents only.",
        description=(
            "An agent's first public message is the case's first response. The customer's "
            "reply reopens a case that waits on them or was resolved."
        ),
        request=CaseMessageWriteSerializer,
        responses={201: CaseMessageSerializer, **errors(400, 401, 403, 404, 409)},
    )
    def post(self, request: Request, pk: int) -> Response:
        case = selectors.case_get_for_viewer(case_id=pk, viewer=request.user)
        data = _validated(CaseMessageWriteSerializer, request.data)
        message = services.case_message_post(
            case=case,
            author=request_member(request),
            body=data["body"],
            internal=data["internal"],
        )
        message = selectors.case_messages_for_viewer(case=case, viewer=request.user).get(
            pk=message.pk
        )
        return Response(CaseMessageSerializer(message).data, status=status.HTTP_201_CREATED)
