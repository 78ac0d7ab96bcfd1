"""Known issues' pages (the API's routes are in api_urls.py)."""

from django.urls import path

from support.known_issues import views

urlpatterns = [
    path("known-issues/", views.known_issue_list, name="known-issue-list"),
    path("known-issues/new/", views.known_issue_create, name="known-issue-create"),
    path(
        "known-issues/from-trending/",
        views.known_issue_from_trending,
        name="known-issue-from-trending",
    ),
    path("known-issues/matching/", views.known_issue_matching, name="known-issue-matching"),
    path("known-issues/banners/", views.known_issue_banners, name="known-issue-banners"),
    path("known-issues/<int:pk>/banner/", views.known_issue_banner, name="known-issue-banner"),
    path("known-issues/<int:pk>/", views.known_issue_short, name="known-issue-short"),
    path("known-issues/<int:pk>/me-too/", views.known_issue_me_too, name="known-issue-me-too"),
    path("known-issues/<int:pk>/edit/", views.known_issue_edit, name="known-issue-edit"),
    path(
        "known-issues/<int:pk>/updates/",
        views.known_issue_update_post,
        name="known-issue-update",
    ),
    path(
        "known-issues/<int:pk>/threads/",
        views.known_issue_thread_link,
        name="known-issue-link",
    ),
    path(
        "known-issues/<int:pk>/threads/<int:thread_id>/unlink/",
        views.known_issue_thread_unlink,
        name="known-issue-unlink",
    ),
    # Last: the page's slug never shadows the routes above (models.RESERVED_SLUGS).
    path(
        "known-issues/<int:pk>/<slug:slug>/",
        views.known_issue_detail,
        name="known-issue-detail",
    ),
]
