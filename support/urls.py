"""Support's pages: cases and the agent workspace, canned replies, moderation, satisfaction,
the dashboard."""

from django.urls import include, path

urlpatterns = [
    path("", include("support.cases.urls")),
    path("", include("support.canned.urls")),
    path("", include("support.deflection.urls")),
    path("", include("support.experts.urls")),
    path("", include("support.moderation.urls")),
    path("", include("support.satisfaction.urls")),
    path("", include("support.insights.urls")),
    path("", include("support.known_issues.urls")),
]
