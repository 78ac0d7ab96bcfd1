"""Ask the experts' pages: a helper's requests and the opt-in."""

from django.urls import path

from support.experts import views

urlpatterns = [
    path("support/expert-requests/", views.expert_requests, name="expert-requests"),
    path(
        "support/expert-requests/<int:pk>/decline/",
        views.expert_request_decline_page,
        name="expert-request-decline",
    ),
    path("support/helper-settings/", views.expert_preferences, name="expert-preferences"),
]
