"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before the routing imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from notifications.auth import (  # noqa: E402
    AllowedHostsOrAppOriginValidator,
    SessionOrTokenAuthStack,
)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Browsers from other sites are refused; apps (no Origin, ?token=) are not.
        "websocket": AllowedHostsOrAppOriginValidator(
            SessionOrTokenAuthStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
