from django.urls import path

from community import views

urlpatterns = [
    path("boards/", views.board_list, name="board-list"),
    path("boards/<slug:slug>/", views.board_detail, name="board-detail"),
    path("unanswered/", views.unanswered, name="unanswered"),
    path("tags/<slug:slug>/", views.tag_detail, name="tag-detail"),
    path("search/", views.search, name="search"),
    path("ask/", views.thread_ask, name="thread-ask"),
    path("ask/similar/", views.thread_similar, name="thread-similar"),
    path("preview/", views.markdown_preview, name="markdown-preview"),
    path("attachments/", views.attachment_upload, name="attachment-upload"),
    path("threads/<int:pk>/", views.thread_redirect, name="thread-short"),
    path("threads/<int:pk>/edit/", views.thread_edit, name="thread-edit"),
    path("threads/<int:pk>/delete/", views.thread_delete, name="thread-delete"),
    path("threads/<int:pk>/answer/", views.post_create, name="post-create"),
    path("threads/<int:pk>/kudos/", views.thread_kudos, name="thread-kudos"),
    path("threads/<int:pk>/solution/", views.solution, name="thread-solution"),
    path("threads/<int:pk>/follow/", views.thread_follow, name="thread-follow"),
    path("threads/<int:pk>/lock/", views.thread_lock, name="thread-lock"),
    path("threads/<int:pk>/revisions/", views.thread_revisions, name="thread-revisions"),
    # Last of the threads/<pk>/ routes: its slug would swallow "edit", "answer", "kudos"...
    path("threads/<int:pk>/<slug:slug>/", views.thread_detail, name="thread-detail"),
    path("posts/<int:pk>/", views.post_detail, name="post-detail"),
    path("posts/<int:pk>/card/", views.post_card, name="post-card"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post-edit"),
    path("posts/<int:pk>/delete/", views.post_delete, name="post-delete"),
    path("posts/<int:pk>/kudos/", views.post_kudos, name="post-kudos"),
    path("members/<str:username>/", views.member_detail, name="member-detail"),
    path("settings/profile/", views.profile_edit, name="profile-edit"),
]
