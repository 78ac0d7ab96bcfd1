"""Announcement pages, included at the site root through community/urls.py."""

from django.urls import path

from community.announcements import views

urlpatterns = [
    path("announcements/manage/", views.announcement_manage, name="announcement-manage"),
    path("announcements/banner/", views.announcement_banner, name="announcement-banner"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement-detail"),
    path("announcements/<int:pk>/edit/", views.announcement_edit, name="announcement-edit"),
    path("announcements/<int:pk>/unpin/", views.announcement_unpin, name="announcement-unpin"),
    path("announcements/<int:pk>/delete/", views.announcement_delete, name="announcement-delete"),
    path(
        "announcements/<int:pk>/dismiss/",
        views.announcement_dismiss,
        name="announcement-dismiss",
    ),
]
