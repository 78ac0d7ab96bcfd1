"""Deflection's API routes (docs/api.md, "Deflection and experts")."""

from django.urls import path

from support.deflection import api

urlpatterns = [
    path("deflections/", api.DeflectionCreateView.as_view(), name="api-deflection-create"),
    path("deflections/<int:pk>/", api.DeflectionDetailView.as_view(), name="api-deflection-detail"),
]
