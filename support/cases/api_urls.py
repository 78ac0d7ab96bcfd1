"""API v1 routes for cases (docs/api.md, "Support")."""

from django.urls import path

from support.cases import api, taxonomy_api

urlpatterns = [
    path(
        "threads/<int:pk>/escalate/", api.ThreadEscalateView.as_view(), name="api-thread-escalate"
    ),
    path("cases/", api.CaseListView.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", api.CaseDetailView.as_view(), name="api-case-detail"),
    path("cases/<int:pk>/messages/", api.CaseMessageListView.as_view(), name="api-case-messages"),
    path(
        "case-categories/",
        taxonomy_api.CaseCategoryListView.as_view(),
        name="api-case-categories",
    ),
    path(
        "case-root-causes/",
        taxonomy_api.CaseRootCauseListView.as_view(),
        name="api-case-root-causes",
    ),
]
