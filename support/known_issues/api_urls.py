"""API v1 routes for known issues (docs/api.md, "Known issues")."""

from django.urls import path

from support.known_issues import api

urlpatterns = [
    path("known-issues/", api.KnownIssueListView.as_view(), name="api-known-issue-list"),
    path(
        "known-issues/matching/",
        api.KnownIssueMatchingView.as_view(),
        name="api-known-issue-matching",
    ),
    path(
        "known-issues/<int:pk>/", api.KnownIssueDetailView.as_view(), name="api-known-issue-detail"
    ),
    path(
        "known-issues/<int:pk>/updates/",
        api.KnownIssueUpdateListView.as_view(),
        name="api-known-issue-updates",
    ),
    path(
        "known-issues/<int:pk>/me-too/",
        api.KnownIssueMeTooView.as_view(),
        name="api-known-issue-me-too",
    ),
    path(
        "known-issues/<int:pk>/threads/",
        api.KnownIssueThreadListView.as_view(),
        name="api-known-issue-threads",
    ),
    path(
        "known-issues/<int:pk>/threads/<int:thread_id>/",
        api.KnownIssueThreadDetailView.as_view(),
        name="api-known-issue-thread",
    ),
]
