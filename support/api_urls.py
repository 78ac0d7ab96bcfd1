"""Support's API (docs/api.md, "Support"): cases, flags, satisfaction."""

from django.urls import include, path

urlpatterns = [
    path("", include("support.api_urls_cases")),
    path("", include("support.api_urls_moderation")),
    path("", include("support.api_urls_satisfaction")),
]
