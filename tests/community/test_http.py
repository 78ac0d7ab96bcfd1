"""The one typed way to read a request: who is asking, and whether HTMX sent it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from community.http import is_htmx, request_member
from community.models import Member


def test_the_member_of_a_signed_in_request_is_that_member(asker: Member) -> None:
    request = RequestFactory().get("/")
    request.user = asker

    assert request_member(request) == asker


def test_an_anonymous_request_has_no_member_and_is_refused() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with pytest.raises(PermissionDenied):
        request_member(request)


def test_htmx_is_read_from_its_request_header_with_or_without_the_middleware() -> None:
    plain, htmx = RequestFactory().get("/"), RequestFactory().get("/", HTTP_HX_REQUEST="true")

    assert not is_htmx(plain)
    assert is_htmx(htmx)


@pytest.mark.django_db
def test_an_htmx_request_to_a_real_view_gets_the_fragment(asker: Member) -> None:
    client = Client()
    client.force_login(asker)

    fragment = client.get("/notifications/dropdown/", HTTP_HX_REQUEST="true")
    page = client.get("/notifications/dropdown/")

    assert fragment.status_code == 200 and b"<html" not in fragment.content.lower()
    assert page.status_code == 302  # not HTMX: sent to the inbox
