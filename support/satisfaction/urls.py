"""The "Did this solve your problem?" form's pages, for a thread's asker and a case's customer."""

from django.urls import path

from support.satisfaction import views

urlpatterns = [
    path("support/feedback/threads/<int:pk>/", views.thread_feedback, name="thread-feedback"),
    path("support/feedback/cases/<int:pk>/", views.case_feedback, name="case-feedback"),
    path("support/nps/", views.nps_answer, name="nps-answer"),
    path("support/nps/dismiss/", views.nps_dismiss, name="nps-dismiss"),
]
