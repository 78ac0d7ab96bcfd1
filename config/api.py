"""API conventions shared by every app (see docs/api.md, "Conventions")."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from community.errors import Conflict, RateLimited
from config.cache import CacheUnavailable
from config.throttling import ServiceUnavailable


class Pagination(PageNumberPagination):
    """`{next, previous, results}`, at most 50 items a page."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 50


class ConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"


class TooManyRequests(APIException):
    """Like DRF's Throttled, but keeps the service's own sentence as the detail.

    DRF's exception handler turns `wait` into the Retry-After header.
    """

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many requests.")
    default_code = "throttled"

    def __init__(self, detail: str, *, wait: int) -> None:
        super().__init__(detail)
        self.wait = wait


def validation_error_data(error: DjangoValidationError) -> dict[str, Any]:
    """`{"field": ["message", ...]}` for field errors, `{"detail": "message"}` otherwise."""
    if hasattr(error, "error_dict"):
        data: dict[str, Any] = {
            field: [str(message) for message in messages]
            for field, messages in error.message_dict.items()
        }
        general = data.pop(NON_FIELD_ERRORS, None)
        if general:
            data["detail"] = " ".join(general)
        return data
    return {"detail": " ".join(str(message) for message in error.messages)}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, taught the errors our services raise.

    Services raise Django's ValidationError (400) and PermissionDenied (403), and
    community.errors' Conflict (409) and RateLimited (429 with Retry-After); Http404 is 404;
    config.cache's CacheUnavailable is 503 with Retry-After.
    Anything else that is not an APIException stays a 500, because it is a bug.
    """
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        return Response(validation_error_data(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        exc = ConflictError(exc.message)
    elif isinstance(exc, RateLimited):
        exc = TooManyRequests(exc.message, wait=exc.retry_after)
    elif isinstance(exc, CacheUnavailable):
        # A check that must fail closed could not reach Redis (config/cache.py, strict()).
        exc = ServiceUnavailable(wait=exc.retry_after)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict):
        # A serializer's errors about the whole body (`[1, 2]` where an object belongs)
        # come as DRF's "non_field_errors" list; docs/api.md promises `{"detail": message}`.
        general = response.data.pop(api_settings.NON_FIELD_ERRORS_KEY, None)
        if general is not None:
            response.data["detail"] = " ".join(str(message) for message in general)
    return response
