"""Staff need a second factor: an authenticator app or a security key (allauth's mfa app).

An agent's, moderator's or admin's password alone opens cases, personal-data holds and every
member's account, so until they have set up a second factor at /accounts/2fa/:
- pages answer with a redirect there (HTMX requests with HX-Redirect), except the account
  pages themselves, the language switch and static files;
- the API answers 403 `{"detail": ..., "code": "mfa_required"}`, by session or by token
  (the authentication classes below are the project's defaults);
- the token endpoint asks for a current code from every account that has one
  (community/api/auth.py).
Recovery codes alone are not a second factor: they come with the first one.
MFA_REQUIRED_FOR_STAFF=false lifts the rule outside production (config/settings.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from drf_spectacular.authentication import SessionScheme
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request

from community.http import is_htmx
from community.models import Member

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
# Paths a staff member without a second factor can still reach: the account pages (where the
# second factor is set up, and sign-out), the language switch, files, and the API (which
# answers for itself, through the authentication classes below).
OPEN_PREFIXES = ("/accounts/", "/i18n/", "/healthz", "/static/", "/media/", "/api/")


def _is_staff_account(member: Member) -> bool:
    # Joining the agents or moderators sets is_staff (community/receivers.py), so this reads
    # two columns already loaded: a customer's request costs no query here.
    return member.is_staff or member.is_superuser


def second_factor_missing(member: Any) -> bool:
    """True for an active staff account with no authenticator app or security key yet."""
    if not settings.MFA_REQUIRED_FOR_STAFF or not isinstance(member, Member):
        return False
    if not member.is_active or not _is_staff_account(member):
        return False
    cached: bool | None = getattr(member, "_second_factor_missing", None)
    if cached is None:
        cached = not Authenticator.objects.filter(user=member, type__in=SECOND_FACTORS).exists()
        member._second_factor_missing = cached  # type: ignore[attr-defined]
    return cached


def code_valid(member: Member, code: str) -> bool:
    """A current authenticator-app code, or an unused recovery code (then spent)."""
    for authenticator in Authenticator.objects.filter(
        user=member, type__in=(Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
    ):
        if authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            return True
    return False


class SecondFactorMissing(PermissionDenied):
    def __init__(self) -> None:
        super().__init__(
            {
                "detail": _(
                    "Staff accounts need a second factor. Set one up at /accounts/2fa/ first."
                ),
                "code": "mfa_required",
            }
        )


class SecondFactorTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None and second_factor_missing(result[0]):
            raise SecondFactorMissing
        return result


class SecondFactorSessionAuthentication(SessionAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None and second_factor_missing(result[0]):
            raise SecondFactorMissing
        return result


class StaffSecondFactorMiddleware:
    """Sends staff without a second factor to set one up before any other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(OPEN_PREFIXES) or not second_factor_missing(request.user):
            return self.get_response(request)
        target = reverse("mfa_index")
        if is_htmx(request):
            return HttpResponseClientRedirect(target)
        messages.warning(
            request,
            _(
                "Staff accounts need a second factor. Set up an authenticator app "
                "or a security key to continue."
            ),
        )
        return redirect(target)


class SecondFactorSessionScheme(SessionScheme):
    """The OpenAPI schema's cookie authentication, for the session class above."""

    target_class = "community.second_factor.SecondFactorSessionAuthentication"
