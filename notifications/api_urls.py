"""API v1 routes of notifications, included under /api/v1/ by config/urls.py."""

from django.urls import include, path

from notifications import api

urlpatterns = [
    path("notifications/", api.NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/read/", api.NotificationReadView.as_view(), name="api-notification-read"),
    path("", include("notifications.webhooks.api_urls")),
]
