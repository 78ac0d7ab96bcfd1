"""The staff dashboard and its export."""

from django.urls import path

from support.insights import views

urlpatterns = [
    path("support/dashboard/", views.staff_dashboard, name="staff-dashboard"),
    path(
        "support/dashboard/export.csv",
        views.staff_dashboard_export,
        name="staff-dashboard-export",
    ),
]
