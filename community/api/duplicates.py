"""Closing a question as a duplicate in API v1 (docs/api.md, "Community").

- `POST /threads/{id}/duplicate/` `{of: thread id}` gives `200` and the thread, with
  `duplicate_of: id`. Moderators, and members whose rank grants `close_duplicates`; anyone
  else `403` (before the body is read: "not allowed", not "bad input"). `of` the thread
  itself, a hidden question, one the client cannot see or that does not exist, or one whose
  duplicates lead back here: `400` on `of`.
- `DELETE /threads/{id}/duplicate/` reopens it (moderators): `204`; `409` if it is not
  closed as a duplicate.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import permissions, services
from community.api.common import _known, _thread_for, _thread_response, _validated, errors
from community.http import request_member
from community.serializers import ThreadDetailSerializer


class DuplicateSerializer(serializers.Serializer[dict[str, Any]]):
    of = serializers.IntegerField(min_value=1, help_text="The id of the original question.")


class ThreadDuplicateView(APIView):
    @extend_schema(
        tags=["community"],
        summary="Close the question as a duplicate of another: locked, pointing there.",
        description=(
            "Moderators, and members whose rank grants closing duplicates. The asker is "
            "notified. Closing again with another original re-points it."
        ),
        request=DuplicateSerializer,
        responses={200: ThreadDetailSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request: Request, pk: int) -> Response:
        thread = _thread_for(request, pk)
        actor = request_member(request)
        if not permissions.can_close_duplicate(actor):
            raise PermissionDenied(_("Your rank does not let you close questions as duplicates."))
        original_id = _validated(DuplicateSerializer, request.data)["of"]
        original = _known(
            "of", _("There is no question with that id."), lambda: _thread_for(request, original_id)
        )
        services.thread_close_duplicate(thread=thread, original=original, actor=actor)
        return _thread_response(request, thread.pk)

    @extend_schema(
        tags=["community"],
        summary="Reopen a question closed as a duplicate (moderators): 204.",
        responses={204: None, **errors(401, 403, 404, 409)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.thread_reopen_duplicate(
            thread=_thread_for(request, pk), actor=request_member(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
