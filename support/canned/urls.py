"""The canned replies page, in the agents' workspace under /support/."""

from django.urls import path

from support.canned import views

urlpatterns = [
    path("support/canned-replies/", views.canned_reply_list, name="canned-reply-list"),
    path(
        "support/canned-replies/<int:pk>/edit/", views.canned_reply_edit, name="canned-reply-edit"
    ),
    path(
        "support/canned-replies/<int:pk>/delete/",
        views.canned_reply_delete,
        name="canned-reply-delete",
    ),
]
