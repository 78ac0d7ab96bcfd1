"""Request hygiene that no single view can own.

- `RejectNulMiddleware`: a NUL character can't be stored in PostgreSQL text, and a lookup
  with one raises DataError (a 500). No URL, query string or form of ours needs one, so a
  path holding one is a 404 and a query string or form field holding one is a 400, before
  any view runs (JSON bodies: config.parsers).
- `ApiErrorMiddleware`: every error under /api/ is JSON, `{"detail": ..., "code": ...}`,
  also those Django answers before DRF is reached (a 404 from the URL resolver, a body
  over DATA_UPLOAD_MAX_MEMORY_SIZE, a 500 page).
- `CacheUnavailableMiddleware`: a check that must not run without Redis (config.cache's
  `strict()`) answers 503 with Retry-After.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    QueryDict,
)
from django.utils.translation import gettext as _
from rest_framework.response import Response

from config.cache import CacheUnavailable

API_PREFIX = "/api/"
NUL = "\x00"
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}

# DRF's codes for the same statuses, so a client sees one vocabulary.
CODES = {
    400: "parse_error",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "error",
    503: "unavailable",
}

Handler = Callable[[HttpRequest], HttpResponseBase]


class RejectNulMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if NUL in request.path_info:
            raise Http404
        if NUL in request.META.get("HTTP_AUTHORIZATION", "") or any(
            NUL in value for value in request.COOKIES.values()
        ):
            # A token or session key is looked up in the database too.
            raise BadRequest("NUL character in a credential")
        if NUL in request.META.get("QUERY_STRING", "") or _holds_nul(request.GET):
            if request.path_info.startswith(API_PREFIX):
                # The API names the parameter at fault, as its serializers do.
                field = next(
                    (key for key, values in request.GET.lists() if any(NUL in v for v in values)),
                    "detail",
                )
                message = _("Null characters are not allowed.")
                return JsonResponse(
                    {field: message} if field == "detail" else {field: [message]}, status=400
                )
            raise BadRequest("NUL character in the query string")
        # Forms: what CsrfViewMiddleware reads anyway (DRF copes with a body read before it).
        if (
            request.method == "POST"
            and request.content_type in FORM_TYPES
            and _holds_nul(request.POST)
        ):
            raise BadRequest("NUL character in the form")
        return self.get_response(request)


def _holds_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in data.lists())


def _is_json(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "application/json"


def _detail(request: HttpRequest, status: int) -> str:
    if status == 400 and _too_large(request):
        return _("The request body is too large.")
    if status == 400:
        return _("The request could not be read.")
    if status == 404:
        return _("Not found.")
    if status == 503:
        return _("This is unavailable for a moment. Try again in a few seconds.")
    if status >= 500:
        return _("Something went wrong on our side.")
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _("Error.")


def _too_large(request: HttpRequest) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return limit is not None and length > limit


class ApiErrorMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not request.path_info.startswith(API_PREFIX)
            or _is_json(response)
            # DRF answered in the format the client negotiated (the browsable API's HTML).
            or isinstance(response, Response)
            or (response.status_code >= 500 and settings.DEBUG and response.status_code != 503)
        ):
            return response
        status = response.status_code
        code = CODES.get(status, "error")
        if status == 400 and _too_large(request):
            code = "request_too_large"
        replacement = JsonResponse(
            {"detail": _detail(request, status), "code": code}, status=status
        )
        for header in ("Retry-After", "Allow", "WWW-Authenticate", "Vary"):
            if header in response:
                replacement[header] = response[header]
        return replacement


class CacheUnavailableMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, CacheUnavailable):
            return None
        detail = _("This is unavailable for a moment. Try again in a few seconds.")
        response: HttpResponse
        if request.path_info.startswith(API_PREFIX):
            response = JsonResponse({"detail": detail, "code": "unavailable"}, status=503)
        else:
            response = HttpResponse(detail, content_type="text/plain; charset=utf-8", status=503)
        response["Retry-After"] = str(exception.retry_after)
        return response
