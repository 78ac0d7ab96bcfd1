"""API v1 routes of announcements, included under /api/v1/ by config/urls.py."""

from django.urls import path

from community.announcements import api

urlpatterns = [
    path("announcements/", api.AnnouncementListView.as_view(), name="api-announcement-list"),
    path(
        "announcements/<int:pk>/",
        api.AnnouncementDetailView.as_view(),
        name="api-announcement-detail",
    ),
]
