"""API v1: the lists staff maintain to classify cases (docs/api.md, "Satisfaction and the
voice of the customer"), for the scripts that set `category` and `root_cause` on cases
(`PATCH /cases/{id}/`, slugs) and read the insights export:

- `GET /case-categories/` and `GET /case-root-causes/`: the entries offered to agents (not
  the retired ones), in the list's order, as `[{slug, name}]`; not paginated (a list staff
  keep by hand is short).

Staff only (agents and moderators): anyone else signed in gets 404, as the insights
endpoints and the page where the lists are kept (/support/case-lists/); anonymous 401.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community.api.common import errors
from community.models import Member
from support.cases import taxonomy


class CaseLabelSerializer(serializers.Serializer[object]):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


def _labels(request: Request, kind: str) -> Response:
    user = request.user
    if not isinstance(user, Member) or not (user.is_agent or user.is_moderator):
        raise Http404
    labels = taxonomy.case_labels(kind=kind, active_only=True)
    return Response(CaseLabelSerializer(labels, many=True).data)


class CaseCategoryListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="The case categories offered to agents: slugs and names (staff).",
        responses={200: CaseLabelSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request: Request) -> Response:
        return _labels(request, "category")


class CaseRootCauseListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["support"],
        summary="The case root causes offered to agents: slugs and names (staff).",
        responses={200: CaseLabelSerializer(many=True), **errors(401, 404)},
    )
    def get(self, request: Request) -> Response:
        return _labels(request, "root_cause")
