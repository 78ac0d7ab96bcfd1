"""GET /api/v1/search/: questions and answers, solved ones first."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from community import selectors
from community.api.common import _validated, errors
from community.serializers import (
    SEARCH_PAGE_MAX,
    SearchHitSerializer,
    SearchPageSerializer,
    SearchQuerySerializer,
)

SEARCH_PAGE_SIZE = 20


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
