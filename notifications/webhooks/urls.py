"""The admins' webhook pages, included at the site root through notifications/urls.py."""

from django.urls import path

from notifications.webhooks import views

urlpatterns = [
    path("support/webhooks/", views.webhook_list, name="webhook-list"),
    path("support/webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("support/webhooks/<int:pk>/enable/", views.webhook_enable, name="webhook-enable"),
    path("support/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook-delete"),
    path(
        "support/webhooks/<int:pk>/deliveries/<int:delivery_id>/resend/",
        views.webhook_resend,
        name="webhook-resend",
    ),
]
