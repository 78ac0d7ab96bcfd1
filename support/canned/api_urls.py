"""Canned replies' API routes (docs/api.md, "Support")."""

from django.urls import path

from support.canned import api

urlpatterns = [
    path("canned-replies/", api.CannedReplyListView.as_view(), name="api-canned-reply-list"),
    path(
        "canned-replies/<int:pk>/",
        api.CannedReplyDetailView.as_view(),
        name="api-canned-reply-detail",
    ),
]
