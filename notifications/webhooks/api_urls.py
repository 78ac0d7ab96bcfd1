"""API v1 routes of webhooks, included under /api/v1/ by notifications/api_urls.py."""

from django.urls import path

from notifications.webhooks import api

urlpatterns = [
    path("webhooks/", api.WebhookListView.as_view(), name="api-webhook-list"),
    path("webhooks/<int:pk>/", api.WebhookDetailView.as_view(), name="api-webhook-detail"),
    path("webhooks/<int:pk>/enable/", api.WebhookEnableView.as_view(), name="api-webhook-enable"),
    path(
        "webhooks/<int:pk>/deliveries/",
        api.WebhookDeliveryListView.as_view(),
        name="api-webhook-deliveries",
    ),
    path(
        "webhooks/<int:pk>/deliveries/<int:delivery_id>/resend/",
        api.WebhookResendView.as_view(),
        name="api-webhook-resend",
    ),
]
