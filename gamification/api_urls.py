"""API v1 routes of gamification, included under /api/v1/ by config/urls.py."""

from django.urls import path

from gamification import api

urlpatterns = [
    path("members/<str:username>/", api.MemberDetailView.as_view(), name="api-member-detail"),
    path(
        "members/<str:username>/points/",
        api.MemberPointsView.as_view(),
        name="api-member-points",
    ),
    path("leaderboard/", api.LeaderboardView.as_view(), name="api-leaderboard"),
    path("badges/", api.BadgeListView.as_view(), name="api-badge-list"),
    path("ranks/", api.RankListView.as_view(), name="api-rank-list"),
    path("rewards/statements/", api.StatementListView.as_view(), name="api-statement-list"),
    path(
        "rewards/statements/<int:pk>/",
        api.StatementDetailView.as_view(),
        name="api-statement-detail",
    ),
]
urlpatterns += [
    path(
        "payback/statements/",
        api.PaybackStatementListView.as_view(),
        name="api-payback-statement-list",
    ),
    path(
        "payback/statements/approve/",
        api.PaybackStatementsApproveView.as_view(),
        name="api-payback-statements-approve",
    ),
    path(
        "payback/statements/<int:pk>/",
        api.PaybackStatementDetailView.as_view(),
        name="api-payback-statement-detail",
    ),
    path(
        "payback/statements/<int:pk>/approve/",
        api.PaybackStatementApproveView.as_view(),
        name="api-payback-statement-approve",
    ),
    path(
        "payback/statements/<int:pk>/paid/",
        api.PaybackStatementPaidView.as_view(),
        name="api-payback-statement-paid",
    ),
    path(
        "payback/statements/<int:pk>/clawback/",
        api.PaybackStatementClawbackView.as_view(),
        name="api-payback-statement-clawback",
    ),
    path("payback/payouts/", api.PaybackPayoutsView.as_view(), name="api-payback-payouts"),
]
