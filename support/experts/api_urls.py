"""Ask the experts' API routes (docs/api.md, "Deflection and experts")."""

from django.urls import path

from support.experts import api

urlpatterns = [
    path(
        "members/me/expert-requests/",
        api.ExpertRequestListView.as_view(),
        name="api-expert-request-list",
    ),
    path(
        "members/me/preferences/",
        api.MemberPreferencesView.as_view(),
        name="api-member-preferences",
    ),
    path(
        "expert-requests/<int:pk>/decline/",
        api.ExpertRequestDeclineView.as_view(),
        name="api-expert-request-decline",
    ),
]
