from django.urls import path

from community import views

urlpatterns = [
    path("members/<str:username>/", views.member_detail, name="member-detail"),
    path("settings/profile/", views.profile_edit, name="profile-edit"),
]
