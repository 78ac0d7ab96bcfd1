"""The Content-Security-Policy header: django-csp's middleware, plus the WebSocket origin.

The policy itself is `CONTENT_SECURITY_POLICY` in config/settings.py. What a static setting
cannot say is the live client's WebSocket origin: it is the host the page was served from
(ws: or wss:), or `WEBSOCKET_URL`'s origin when the deployment serves sockets elsewhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase


def websocket_sources(request: HttpRequest) -> list[str]:
    """The origins the live client may open sockets to, for `connect-src`."""
    configured = getattr(settings, "WEBSOCKET_URL", "") or ""
    if configured:
        parts = urlsplit(str(configured))
        if parts.scheme in {"ws", "wss", "http", "https"} and parts.netloc:
            scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
            return [f"{scheme}://{parts.netloc}"]
    try:
        host = request.get_host()
    except DisallowedHost:
        # The response is already Django's 400 for the bad Host; "self" is enough for it.
        return []
    return [f"wss://{host}"] if request.is_secure() else [f"ws://{host}", f"wss://{host}"]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        sockets = websocket_sources(request)
        if sockets and not report_only:
            update = dict(parts.update or {})
            extra = update.get("connect-src") or []
            update["connect-src"] = [*([extra] if isinstance(extra, str) else extra), *sockets]
            parts.update = update
        return parts
