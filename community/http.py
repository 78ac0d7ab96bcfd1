"""What a view needs from its request, typed: the signed-in member and the HTMX state.

Every app's views and API use these two, so there is one answer to "who is asking" and
"is this an HTMX request" (django-htmx's middleware reads the HX-* headers).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from community.models import Member


def request_member(request: HttpRequest | Request) -> Member:
    """The signed-in member making the request.

    For views behind a sign-in check (login_required, IsAuthenticated, a permission that
    implies it): there, an anonymous visitor never gets this far. Anywhere else it refuses
    rather than hand an AnonymousUser to code that expects a member.
    """
    user = request.user
    if not isinstance(user, Member):
        raise PermissionDenied
    return user


def htmx_details(request: HttpRequest) -> HtmxDetails:
    """The HX-* headers of the request, as django-htmx reads them."""
    details: HtmxDetails = getattr(request, "htmx", None) or HtmxDetails(request)
    return details


def is_htmx(request: HttpRequest) -> bool:
    """Whether HTMX sent the request (and wants a fragment back, not a page)."""
    return bool(htmx_details(request))


def personal_data_download(data: dict[str, Any], member: Member) -> HttpResponse:
    """A member's export as a JSON file to save (the member's own page and the staff's)."""
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="mutua-data-{member.pk}.json"'
    return response
