"""The insights' API routes (docs/api.md, "Satisfaction and the voice of the customer")."""

from django.urls import path

from support.insights import api

urlpatterns = [
    path("insights/summary/", api.InsightsSummaryView.as_view(), name="api-insights-summary"),
    path("insights/export/", api.InsightsExportView.as_view(), name="api-insights-export"),
]
