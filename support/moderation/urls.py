from django.urls import path

from support.moderation import personal_data_views, views

urlpatterns = [
    path("moderation/", views.queue, name="moderation-queue"),
    path("moderation/log/", views.log, name="moderation-log"),
    path("moderation/threads/<int:pk>/", views.thread_tools, name="moderation-thread"),
    path(
        "moderation/threads/<int:pk>/<slug:action>/",
        views.thread_action,
        name="moderation-thread-action",
    ),
    path(
        "moderation/posts/<int:pk>/<slug:action>/",
        views.post_action,
        name="moderation-post-action",
    ),
    path("moderation/members/<str:username>/", views.member_tools, name="moderation-member"),
    path(
        "moderation/members/<str:username>/export/",
        personal_data_views.moderation_member_export,
        name="moderation-member-export",
    ),
    path(
        "moderation/members/<str:username>/delete/",
        personal_data_views.moderation_member_delete,
        name="moderation-member-delete",
    ),
    path("moderation/sanctions/<int:pk>/lift/", views.sanction_lift, name="moderation-lift"),
    path("flags/threads/<int:pk>/", views.flag_thread, name="flag-thread"),
    path("flags/posts/<int:pk>/", views.flag_post, name="flag-post"),
]
