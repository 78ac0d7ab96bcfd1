"""Pages for cases: the agents' workspace, a case, and "Ask an agent" from a thread.

Under /support/: the community's /threads/<id>/<slug>/ route would swallow
/threads/<id>/escalate/ as a title slug.
"""

from django.urls import path

from support.cases import taxonomy_views, views

urlpatterns = [
    path("support/", views.agent_queue, name="agent-queue"),
    path("support/availability/", views.agent_availability, name="agent-availability"),
    path("support/cases/", views.case_list, name="case-list"),
    path("support/cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("support/cases/<int:pk>/messages/", views.case_message, name="case-message"),
    path("support/cases/<int:pk>/update/", views.case_update, name="case-update"),
    path("support/cases/<int:pk>/answer/", views.case_staff_answer, name="case-staff-answer"),
    path("support/threads/<int:pk>/escalate/", views.thread_escalate, name="thread-escalate"),
    path("support/case-lists/", taxonomy_views.case_lists, name="case-lists"),
]
