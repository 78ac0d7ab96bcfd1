"""The inbox pages, included at the site root by config/urls.py."""

from django.urls import include, path

from notifications import views

urlpatterns = [
    path("notifications/", views.inbox, name="notification-inbox"),
    path("notifications/dropdown/", views.dropdown, name="notification-dropdown"),
    path("notifications/read/", views.mark_all_read, name="notification-mark-all-read"),
    path(
        "notifications/<int:notification_id>/open/",
        views.notification_open,
        name="notification-open",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.unsubscribe,
        name="notification-unsubscribe",
    ),
    path("settings/notifications/", views.preferences, name="notification-preferences"),
    path("", include("notifications.webhooks.urls")),
]
