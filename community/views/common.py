"""What the community's pages share: the visitors' cache decorator, pagination, form errors
and limits."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
)
from django.utils.cache import patch_cache_control, patch_vary_headers

from community.errors import RateLimited

THREADS_PER_PAGE = 20

ANSWERS_PER_PAGE = 30

SEARCH_PER_PAGE = 20

# Deeper than this nobody reads, and an unbounded ?page= once overflowed PostgreSQL's LIMIT
# (bigint) into a 500.
SEARCH_MAX_PAGES = 50

BOARD_FILTERS = {"all": None, "unanswered": "unanswered", "solved": "solved", "open": "open"}

BOARD_SORTS = {"activity": "-last_activity_at", "newest": "-created_at", "kudos": "-kudos_count"}

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def _personal(request: HttpRequest) -> bool:
    """Whether the response just rendered holds something meant for this visitor only."""
    storage = getattr(request, "_messages", None)
    shown_messages = bool(getattr(storage, "used", False))
    # get_token() sets this when a template rendered {% csrf_token %}.
    return shown_messages or bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def public_when_anonymous(view: View) -> View:
    """Let shared caches keep anonymous pages for a minute; members' pages stay private.

    Anonymous pages carry no CSRF token (the language switcher is exempt), so nothing in
    them is personal, unless this render showed a flash message ("You have signed out.")
    or asked for a CSRF token: that page is for this visitor only, and a shared cache
    would show it to everyone for a minute.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not request.user.is_authenticated
            and not _personal(request)
        ):
            patch_cache_control(response, public=True, max_age=60)
        else:
            patch_cache_control(response, private=True)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return wrapped  # type: ignore[return-value]


def _paginate(request: HttpRequest, items: Any, per_page: int) -> Page[Any]:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def page_number(request: HttpRequest) -> int:
    """The page asked for in ?page=: 1 when missing, not a number or below 1."""
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        number = 1
    return max(number, 1)


def _paginate_with_total(request: HttpRequest, items: QuerySet[Any], per_page: int) -> Page[Any]:
    """_paginate() with the total counted in the same query as the rows (a window count).

    A page past the end (or an empty list) falls back to _paginate(), which shows the last page.
    """
    number = page_number(request)
    bottom = (number - 1) * per_page
    if bottom > 2**31:  # no thread is that long; _paginate() keeps LIMIT/OFFSET in range
        return _paginate(request, items, per_page)
    rows = list(items.annotate(total_rows=Window(Count("pk")))[bottom : bottom + per_page])
    if not rows:
        return _paginate(request, items, per_page)
    paginator = Paginator(items, per_page)
    paginator.count = rows[0].total_rows  # a cached_property: set, it is not counted again
    return Page(rows, number, paginator)


def _add_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _limited(response: HttpResponse, error: RateLimited) -> HttpResponse:
    response.status_code = 429
    response["Retry-After"] = str(error.retry_after)
    return response


MEMBER_TABS = ("questions", "answers", "solutions")
