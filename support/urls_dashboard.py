"""The staff dashboard and the "Did this solve your problem?" form's pages."""

from django.urls import path

from support import dashboard_views, satisfaction_views

urlpatterns = [
    path("support/dashboard/", dashboard_views.staff_dashboard, name="staff-dashboard"),
    path(
        "support/dashboard/export.csv",
        dashboard_views.staff_dashboard_export,
        name="staff-dashboard-export",
    ),
    path(
        "support/feedback/threads/<int:pk>/",
        satisfaction_views.thread_feedback,
        name="thread-feedback",
    ),
    path(
        "support/feedback/cases/<int:pk>/",
        satisfaction_views.case_feedback,
        name="case-feedback",
    ),
]
