"""WebSocket routes. Each app that serves a socket adds its patterns here."""

from notifications.routing import websocket_urlpatterns as notification_patterns

websocket_urlpatterns = [*notification_patterns]
