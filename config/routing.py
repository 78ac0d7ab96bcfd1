"""WebSocket routes. Each app that serves a socket adds its patterns here."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
