"""Support's API (docs/api.md, "Support"): cases, canned replies, flags, satisfaction,
known issues."""

from django.urls import include, path

urlpatterns = [
    path("", include("support.cases.api_urls")),
    path("", include("support.canned.api_urls")),
    path("", include("support.deflection.api_urls")),
    path("", include("support.experts.api_urls")),
    path("", include("support.insights.api_urls")),
    path("", include("support.moderation.api_urls")),
    path("", include("support.satisfaction.api_urls")),
    path("", include("support.known_issues.api_urls")),
]
