"""allauth, adapted: the client address and the sign-in lock-out the API shares."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.models import EmailAddress
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from community.errors import RateLimited
from config import cache as resilient_cache
from config.clientip import client_ip

# Deleted accounts keep a placeholder username (community.services.member_delete).
DELETED_USERNAME_PREFIX = "deleted-"


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        if username.lower().startswith(DELETED_USERNAME_PREFIX):
            raise forms.ValidationError(_("Usernames can't start with “deleted-”."))
        return str(super().clean_username(username, shallow=shallow))

    def get_client_ip(self, request: HttpRequest) -> str:
        # The same address DRF's throttles see (TRUSTED_PROXY_COUNT); allauth's own reading
        # of X-Forwarded-For raises ImproperlyConfigured (a 500) on a header shorter than
        # the proxy count.
        return client_ip(request) or "0.0.0.0"  # noqa: S104 (a key, not a bind address)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys on the host name and whatever was typed, so each name the site answers
        # to, and a member's email beside their username, would get a count of failures of
        # their own. One account, one count, whichever path and spelling: the username.
        login = str(credentials.get("email", credentials.get("username", ""))).strip().lower()
        if "email" in credentials:
            from allauth.account.models import EmailAddress

            username = (
                EmailAddress.objects.filter(email__iexact=login)
                .values_list("user__username", flat=True)
                .first()
            )
            login = username.lower() if username else login
        return f"login:{login}"

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # The failed-login count must be read even when Redis is down: inside strict() an
        # unreachable cache raises CacheUnavailable (a 503), not "no failures yet".
        with resilient_cache.strict():
            super().pre_authenticate(request, **credentials)


LOCKED_OUT = "too_many_login_attempts"  # allauth's error code for a locked-out account


def lockout_seconds() -> int:
    """How long a locked-out account waits at most: the per-account window of login_failed."""
    from allauth.account import app_settings
    from allauth.core.internal.ratelimit import parse_rates

    windows = [
        rate.duration
        for rate in parse_rates(app_settings.RATE_LIMITS.get("login_failed"))
        if rate.per == "key"
    ]
    return int(max(windows, default=60))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def can_authenticate_by_email(self, login: SocialLogin, email: str) -> bool:
        """Sign in to an existing member by address only when the provider says it verified
        the address and the member confirmed it here too: an address someone merely typed
        at sign-up, here or at the provider, never opens another person's account."""
        return bool(super().can_authenticate_by_email(login, email)) and (
            EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
        )


def password_confirm(request: HttpRequest, member: Any, password: str) -> None:
    """Check a signed-in member's password before a grave step (deleting their account).

    Through allauth's adapter, as the sign-in does: a wrong password counts toward the same
    per-account lock-out (ACCOUNT_RATE_LIMITS["login_failed"]), so a stolen session can't
    be used to guess it. A wrong one is a ValidationError on `password`; a locked-out account
    is RateLimited (429).
    """
    try:
        confirmed = get_adapter(request).authenticate(
            request, username=member.username, password=password
        )
    except ValidationError as error:
        if error.code != LOCKED_OUT:
            raise
        raise RateLimited(error.messages[0], retry_after=lockout_seconds()) from None
    if confirmed is None or confirmed.pk != member.pk:
        raise ValidationError({"password": [_("That is not your password.")]})
