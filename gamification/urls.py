from django.urls import path

from gamification import views

urlpatterns = [
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("badges/", views.badge_list, name="badge-list"),
    path("badges/<slug:slug>/", views.badge_detail, name="badge-detail"),
    path("badges/<slug:slug>/icon.svg", views.badge_icon, name="badge-icon"),
    path("ranks/", views.rank_list, name="rank-list"),
    # After community's members/<username>/ in config/urls.py, which does not swallow this:
    # its pattern ends at the username.
    path("members/<str:username>/points/", views.member_points, name="member-points"),
    path("rewards/", views.rewards, name="rewards"),
]
urlpatterns += [
    path("staff/payback/", views.payback_review, name="payback-review"),
    path("staff/payback/approve/", views.payback_approve_bulk, name="payback-approve-bulk"),
    path("staff/payback/statements/<int:pk>/", views.payback_statement, name="payback-statement"),
    path(
        "staff/payback/statements/<int:pk>/approve/",
        views.payback_statement_approve,
        name="payback-statement-approve",
    ),
    path(
        "staff/payback/statements/<int:pk>/paid/",
        views.payback_statement_paid,
        name="payback-statement-paid",
    ),
    path(
        "staff/payback/statements/<int:pk>/clawback/",
        views.payback_statement_clawback,
        name="payback-statement-clawback",
    ),
]
