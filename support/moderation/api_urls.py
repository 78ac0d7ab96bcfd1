from django.urls import path

from support.moderation import api as moderation_api

urlpatterns = [
    path(
        "threads/<int:pk>/flags/", moderation_api.ThreadFlagView.as_view(), name="api-thread-flags"
    ),
    path("posts/<int:pk>/flags/", moderation_api.PostFlagView.as_view(), name="api-post-flags"),
]
