"""A database too busy to serve a request is a 503 with Retry-After, never a 500.

Each process borrows connections from a bounded pool (DATABASES' "pool" option). In a burst
past what the pool and PostgreSQL can serve, a request waits up to DB_POOL_TIMEOUT for a free
connection; if none comes, psycopg-pool raises PoolTimeout. Without the pool (DB_POOL=off),
PostgreSQL itself refuses a connection past max_connections ("sorry, too many clients
already"). Both mean "come back in a moment", which is what 503 and Retry-After say: the API
answers JSON, pages a small plain page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 5

# PostgreSQL's refusals when it has no connection slot left (SQLSTATE 53300,
# too_many_connections, and the reserved-slots variant).
_REFUSALS = (
    "too many clients already",
    "remaining connection slots are reserved",
    "too many connections",
)


def is_database_busy(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) means no database connection was to be had."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if type(current).__name__ == "PoolTimeout" and type(current).__module__.startswith(
            "psycopg_pool"
        ):
            return True
        if isinstance(current, OperationalError) or type(current).__name__ == "OperationalError":
            sqlstate = getattr(current, "sqlstate", None)
            if sqlstate == "53300" or any(text in str(current) for text in _REFUSALS):
                return True
        current = current.__cause__ or current.__context__
    return False


def busy_response(request: HttpRequest) -> HttpResponse:
    message = _("The site is very busy right now. Please try again in a few seconds.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        title = escape(_("Busy"))
        response = HttpResponse(
            f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{escape(message)}</p></body></html>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseBusyMiddleware:
    """Turns "no database connection to be had" into 503 + Retry-After (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            return self.get_response(request)
        except Exception as exc:
            # Raised past every other middleware (DEBUG_PROPAGATE_EXCEPTIONS, tests' clients).
            if is_database_busy(exc):
                return busy_response(request)
            raise

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_busy(exception):
            return busy_response(request)
        return None
