"""API v1 routes of drafts, included under /api/v1/ by config/urls.py."""

from django.urls import path

from community.drafts import api

urlpatterns = [
    path("drafts/", api.DraftListView.as_view(), name="api-draft-list"),
    path("drafts/<str:key>/", api.DraftDetailView.as_view(), name="api-draft-detail"),
]
