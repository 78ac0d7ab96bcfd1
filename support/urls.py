"""Support's pages: cases and the agent workspace, moderation, the staff dashboard."""

from django.urls import include, path

urlpatterns = [
    path("", include("support.urls_cases")),
    path("", include("support.urls_moderation")),
    path("", include("support.urls_dashboard")),
]
