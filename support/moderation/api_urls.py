from django.urls import path

from support.moderation import api as moderation_api

urlpatterns = [
    path(
        "threads/<int:pk>/flags/", moderation_api.ThreadFlagView.as_view(), name="api-thread-flags"
    ),
    path("posts/<int:pk>/flags/", moderation_api.PostFlagView.as_view(), name="api-post-flags"),
    path(
        "moderation/review/", moderation_api.ReviewQueueView.as_view(), name="api-moderation-review"
    ),
    path(
        "moderation/review/threads/<int:pk>/approve/",
        moderation_api.ReviewThreadApproveView.as_view(),
        name="api-moderation-review-thread-approve",
    ),
    path(
        "moderation/review/threads/<int:pk>/reject/",
        moderation_api.ReviewThreadRejectView.as_view(),
        name="api-moderation-review-thread-reject",
    ),
    path(
        "moderation/review/posts/<int:pk>/approve/",
        moderation_api.ReviewPostApproveView.as_view(),
        name="api-moderation-review-post-approve",
    ),
    path(
        "moderation/review/posts/<int:pk>/reject/",
        moderation_api.ReviewPostRejectView.as_view(),
        name="api-moderation-review-post-reject",
    ),
]
