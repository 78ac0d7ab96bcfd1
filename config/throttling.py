"""The API's throttles: keyed on the real client address and on the account, failing closed.

- The address is `config.clientip.client_ip`, so `X-Forwarded-For` counts only as far as
  `TRUSTED_PROXY_COUNT` says (DRF's own NUM_PROXIES is set to the same number).
- A throttle's history lives in the cache. When Redis is unreachable the cache normally
  answers like a miss (config/cache.py), which for a throttle means "no history, allow".
  These throttles read it inside `config.cache.strict()` and refuse with 503 and
  Retry-After instead.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from config import cache as resilient_cache
from config.clientip import client_ip


class ServiceUnavailable(APIException):
    """503 with Retry-After (DRF's exception handler turns `wait` into the header)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("This is unavailable for a moment. Try again in a few seconds.")
    default_code = "unavailable"

    def __init__(self, *, wait: int) -> None:
        super().__init__()
        self.wait = wait


class FailClosedThrottle(SimpleRateThrottle):
    """A throttle that refuses (503) rather than allows when its history can't be read."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        try:
            with resilient_cache.strict():
                return super().allow_request(request, view)
        except resilient_cache.CacheUnavailable as error:
            raise ServiceUnavailable(wait=error.retry_after) from error

    def get_ident(self, request: Request) -> str:
        return client_ip(request._request)


class AddressThrottle(FailClosedThrottle, ScopedRateThrottle):
    """The view's `throttle_scope`, per client address."""


class AccountThrottle(FailClosedThrottle):
    """Attempts on one account, whoever makes them: the `username` in the body.

    Rate from DEFAULT_THROTTLE_RATES under the view's `throttle_scope` + "_account".
    """

    def __init__(self) -> None:
        # The scope (and so the rate) comes from the view, as in ScopedRateThrottle.
        pass

    def allow_request(self, request: Request, view: APIView) -> bool:
        scope = getattr(view, "throttle_scope", None)
        if not scope:
            return True
        self.scope = f"{scope}_account"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        data: Any = request.data
        username = data.get("username") if isinstance(data, Mapping) else None
        if not isinstance(username, str) or not username.strip():
            return None  # the serializer answers 400; nothing to count
        ident = hashlib.sha256(username.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}
