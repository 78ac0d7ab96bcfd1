"""Satisfaction's API routes (docs/api.md, "Support": POST /threads/{id}/feedback/)."""

from django.urls import path

from support.satisfaction import api as satisfaction_api

urlpatterns = [
    path(
        "threads/<int:pk>/feedback/",
        satisfaction_api.ThreadFeedbackView.as_view(),
        name="api-thread-feedback",
    ),
    path(
        "cases/<int:pk>/feedback/",
        satisfaction_api.CaseFeedbackView.as_view(),
        name="api-case-feedback",
    ),
    path("nps/", satisfaction_api.NpsView.as_view(), name="api-nps"),
    path("nps/prompt/", satisfaction_api.NpsPromptView.as_view(), name="api-nps-prompt"),
    path(
        "nps/prompt/dismiss/",
        satisfaction_api.NpsDismissView.as_view(),
        name="api-nps-prompt-dismiss",
    ),
]
