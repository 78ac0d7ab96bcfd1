"""The cases domain's page section: "Ask an agent" under the question (registered in
SupportConfig.ready()). The domain listens to no other app's events."""

from __future__ import annotations

from community.extensions import Section
from community.models import Member, Thread
from community.permissions import Viewer
from support.cases import selectors
from support.cases.forms import EscalateForm
from support.cases.models import CaseReason


def ask_an_agent_section(thread: Thread, viewer: Viewer) -> Section | None:
    """Under the question: "Ask an agent" for the asker and moderators; "An agent is on it"
    while a case is active, with a link to the case for its customer and for agents.

    Cheap on every thread page: nothing for visitors; for the asker no query until the
    thread is escalated (the community keeps `is_escalated` in step with the active case);
    for anyone else one query for their groups, which the page may have loaded anyway.
    """
    if not isinstance(viewer, Member) or not viewer.is_active:
        return None
    is_asker = viewer.pk == thread.author_id
    if not is_asker and not (viewer.is_moderator or viewer.is_agent):
        return None
    case = selectors.case_active_for_thread(thread=thread) if thread.is_escalated else None
    if case is not None:
        is_customer = case.customer_id == viewer.pk
        if is_customer and case.reason == CaseReason.SENSITIVE and thread.is_hidden:
            return None  # the held notice links the private case already (moderation)
        return Section(
            template="support/_thread_section.html",
            context={
                "case": case,
                "is_customer": is_customer,
                "case_link": is_customer or viewer.is_agent,
            },
        )
    if not (is_asker or viewer.is_moderator):
        return None
    return Section(
        template="support/_thread_section.html",
        context={
            "can_escalate": True,
            "is_customer": is_asker,
            "thread_id": thread.pk,
            "form": EscalateForm(auto_id="escalate_%s"),
        },
    )
