from django.urls import path

from notifications.announcements import AnnouncementConsumer
from notifications.consumers import NotificationConsumer, ThreadConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/threads/<int:thread_id>/", ThreadConsumer.as_asgi()),
    path("ws/announcements/", AnnouncementConsumer.as_asgi()),
]
