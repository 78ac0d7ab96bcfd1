"""Deflection's pages: the ask form's "This solved it" and "Was this enough?"."""

from django.urls import path

from support.deflection import views

urlpatterns = [
    path("support/deflections/", views.deflection_create, name="deflection-create"),
    path(
        "support/deflections/<int:pk>/rate/",
        views.deflection_rate_page,
        name="deflection-rate",
    ),
]
