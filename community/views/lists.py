"""The pages that list questions: home, boards, a tag, unanswered, search; and the health check."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from community import extensions, pagecache, selectors
from community.announcements.selectors import announcements_pinned
from community.views.common import (
    BOARD_FILTERS,
    BOARD_SORTS,
    SEARCH_MAX_PAGES,
    SEARCH_PER_PAGE,
    THREADS_PER_PAGE,
    _paginate,
    public_when_anonymous,
)


@require_GET
@public_when_anonymous
@pagecache.cache_for_visitors(lambda: pagecache.LISTS)
def home(request: HttpRequest) -> HttpResponse:
    recent, unanswered = selectors.thread_lists_for_home()
    return render(
        request,
        "community/home.html",
        {
            "boards": selectors.board_list(),
            "recent": recent,
            "unanswered": unanswered,
            "sections": extensions.home_sections_for(request.user),
            "announcements": announcements_pinned(viewer=request.user),
            "announcements_board": None,
        },
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when this process can reach its database."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@require_GET
@public_when_anonymous
@pagecache.cache_for_visitors(lambda: pagecache.LISTS)
def board_list(request: HttpRequest) -> HttpResponse:
    return render(request, "community/board_list.html", {"boards": selectors.board_list()})


def _thread_list_page(
    request: HttpRequest, template: str, context: dict[str, Any], **filters: Any
) -> HttpResponse:
    current_filter = request.GET.get("filter", "all")
    current_sort = request.GET.get("sort", "activity")
    if current_filter not in BOARD_FILTERS:
        current_filter = "all"
    if current_sort not in BOARD_SORTS:
        current_sort = "activity"
    threads = selectors.thread_list(
        status=filters.pop("status", BOARD_FILTERS[current_filter]),
        ordering=BOARD_SORTS[current_sort],
        **filters,
    )
    context |= {
        "page": _paginate(request, threads, THREADS_PER_PAGE),
        "current_filter": current_filter,
        "current_sort": current_sort,
        "filters": [("all", _("All")), ("unanswered", _("Unanswered")), ("solved", _("Solved"))],
        "sorts": [("activity", _("Activity")), ("newest", _("Newest")), ("kudos", _("Most kudos"))],
    }
    return render(request, template, context)


@require_GET
@public_when_anonymous
def board_detail(request: HttpRequest, slug: str) -> HttpResponse:
    board = selectors.board_get(slug=slug, viewer=request.user)
    context = {
        "board": board,
        "follows_place": getattr(board, "viewer_follows", False),
        "announcements": announcements_pinned(board=board, viewer=request.user),
        "announcements_board": board,
        "sections": extensions.board_sections_for(board, request.user),
    }
    return _thread_list_page(request, "community/board_detail.html", context, board=board)


@require_GET
@public_when_anonymous
def unanswered(request: HttpRequest) -> HttpResponse:
    return _thread_list_page(request, "community/unanswered.html", {}, status="unanswered")


@require_GET
@public_when_anonymous
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = selectors.tag_get(slug=slug, viewer=request.user)
    context = {"tag": tag, "follows_place": getattr(tag, "viewer_follows", False)}
    return _thread_list_page(request, "community/tag_detail.html", context, tag=tag)


@require_GET
@public_when_anonymous
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    try:
        page_number = min(max(1, int(request.GET.get("page", "1"))), SEARCH_MAX_PAGES)
    except ValueError:
        page_number = 1
    results = []
    if query:
        results = selectors.search(
            query=query, limit=SEARCH_PER_PAGE + 1, offset=(page_number - 1) * SEARCH_PER_PAGE
        )
    return render(
        request,
        "community/search.html",
        {
            "query": query,
            "results": results[:SEARCH_PER_PAGE],
            "page_number": page_number,
            "has_next": len(results) > SEARCH_PER_PAGE and page_number < SEARCH_MAX_PAGES,
        },
    )
