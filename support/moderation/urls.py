from django.urls import path

from support.moderation import personal_data_views, review_views, views

urlpatterns = [
    path("moderation/", views.queue, name="moderation-queue"),
    path("moderation/log/", views.log, name="moderation-log"),
    path("moderation/review/", review_views.moderation_review_page, name="moderation-review"),
    path(
        "moderation/review/threads/<int:pk>/approve/",
        review_views.moderation_review_decide,
        {"kind": "thread", "decision": "approve"},
        name="moderation-review-thread-approve",
    ),
    path(
        "moderation/review/threads/<int:pk>/reject/",
        review_views.moderation_review_decide,
        {"kind": "thread", "decision": "reject"},
        name="moderation-review-thread-reject",
    ),
    path(
        "moderation/review/posts/<int:pk>/approve/",
        review_views.moderation_review_decide,
        {"kind": "post", "decision": "approve"},
        name="moderation-review-post-approve",
    ),
    path(
        "moderation/review/posts/<int:pk>/reject/",
        review_views.moderation_review_decide,
        {"kind": "post", "decision": "reject"},
        name="moderation-review-post-reject",
    ),
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
