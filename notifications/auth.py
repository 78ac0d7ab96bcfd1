"""WebSocket authentication: the session cookie, or `?token=<api token>` for apps.

And the origin check in front of both. A browser always sends Origin with a WebSocket
handshake, and the check against ALLOWED_HOSTS is what stops another site's page from
opening a socket with a member's cookie (cross-site WebSocket hijacking). Apps and scripts
send no Origin; they authenticate with a token no other site can read, so a handshake
without Origin passes (Channels' AllowedHostsOriginValidator refuses it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from channels.security.websocket import OriginValidator
from django.conf import settings
from django.contrib.auth.models import AnonymousUser


@database_sync_to_async
def _member_for_token(key: str) -> Any:
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class TokenAuthMiddleware(BaseMiddleware):
    """Sets scope["user"] from ?token= when the session didn't authenticate the socket."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            query = parse_qs(scope.get("query_string", b"").decode())
            if query.get("token"):
                scope["user"] = await _member_for_token(query["token"][0][:64])
        return await super().__call__(scope, receive, send)


def SessionOrTokenAuthStack(inner: Any) -> Any:  # noqa: N802 - named like Channels' stacks
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))


class BrowserOriginValidator(OriginValidator):
    """Refuses a handshake whose Origin isn't one of ALLOWED_HOSTS; one without Origin passes."""

    def valid_origin(self, parsed_origin: Any) -> bool:
        if parsed_origin is None:
            return True  # not a browser: nothing to hijack
        return bool(super().valid_origin(parsed_origin))


def AllowedHostsOrAppOriginValidator(inner: Any) -> BrowserOriginValidator:  # noqa: N802
    """Like Channels' AllowedHostsOriginValidator (same hosts), letting apps through."""
    allowed_hosts = list(settings.ALLOWED_HOSTS)
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = ["localhost", "127.0.0.1", "[::1]"]
    return BrowserOriginValidator(inner, allowed_hosts)
