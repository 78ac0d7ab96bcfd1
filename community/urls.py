from django.urls import include, path

from community.views import duplicates, follows, lists, members, posts, threads

urlpatterns = [
    path("boards/", lists.board_list, name="board-list"),
    path("boards/<slug:slug>/", lists.board_detail, name="board-detail"),
    path("unanswered/", lists.unanswered, name="unanswered"),
    path("tags/<slug:slug>/", lists.tag_detail, name="tag-detail"),
    path("search/", lists.search, name="search"),
    path("ask/", threads.thread_ask, name="thread-ask"),
    path("ask/similar/", threads.thread_similar, name="thread-similar"),
    path("preview/", threads.markdown_preview, name="markdown-preview"),
    path("attachments/", threads.attachment_upload, name="attachment-upload"),
    path("threads/<int:pk>/", threads.thread_redirect, name="thread-short"),
    path("threads/<int:pk>/edit/", threads.thread_edit, name="thread-edit"),
    path("threads/<int:pk>/delete/", threads.thread_delete, name="thread-delete"),
    path("threads/<int:pk>/answer/", posts.post_create, name="post-create"),
    path("threads/<int:pk>/kudos/", threads.thread_kudos, name="thread-kudos"),
    path("threads/<int:pk>/solution/", threads.solution, name="thread-solution"),
    path("threads/<int:pk>/follow/", threads.thread_follow, name="thread-follow"),
    path("threads/<int:pk>/bookmark/", follows.thread_bookmark, name="thread-bookmark"),
    path("threads/<int:pk>/lock/", threads.thread_lock, name="thread-lock"),
    path("threads/<int:pk>/revisions/", threads.thread_revisions, name="thread-revisions"),
    path("threads/<int:pk>/duplicate/", duplicates.thread_duplicate, name="thread-duplicate"),
    # Last of the threads/<pk>/ routes: its slug would swallow "edit", "answer", "kudos"...
    path("threads/<int:pk>/<slug:slug>/", threads.thread_detail, name="thread-detail"),
    path("posts/<int:pk>/", posts.post_detail, name="post-detail"),
    path("posts/<int:pk>/card/", posts.post_card, name="post-card"),
    path("posts/<int:pk>/edit/", posts.post_edit, name="post-edit"),
    path("posts/<int:pk>/delete/", posts.post_delete, name="post-delete"),
    path("posts/<int:pk>/kudos/", posts.post_kudos, name="post-kudos"),
    path("members/<str:username>/", members.member_detail, name="member-detail"),
    path("bookmarks/", follows.bookmark_list, name="bookmark-list"),
    path("settings/profile/", members.profile_edit, name="profile-edit"),
    path("settings/data/", members.data_export, name="data-export"),
    path("settings/delete/", members.account_delete, name="account-delete"),
    path("", include("community.announcements.urls")),
]
