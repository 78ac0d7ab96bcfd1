"""Satisfaction's receivers and page sections (imported and registered by SupportConfig.ready()).

- When a solution is accepted, the asker is to be asked "Did this solve your problem?" a
  while later (SATISFACTION_ASK_AFTER_MINUTES): a request the every-minute task
  support.satisfaction_ask_due announces (support.events.satisfaction_requested; the
  notifications app delivers it).
- When a case becomes resolved or closed, its customer is asked the same about the case.
- After the answers, the asker sees the 1-5 form from that moment on, and "Thanks for your
  feedback" after answering.

The receivers run inside the writing transaction (community.events, support.events): they
only read, then announce; whoever listens to satisfaction_requested writes its rows in the
same transaction and pushes them after commit, so a rolled-back acceptance asks nobody.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from django.utils import timezone

from community import events as community_events
from community import extensions
from community.models import Member, Thread
from community.permissions import Viewer
from support import events
from support.cases.models import Case, CaseEvent
from support.insights import selectors as dashboard
from support.satisfaction.models import Satisfaction
from support.satisfaction.selectors import nps_due
from support.satisfaction.services import RATEABLE_CASE_STATUSES, ask_after, satisfaction_ask_later
from support.satisfaction.views import case_context, nps_context, thread_context

THREAD_SECTION_TEMPLATE = "support/_satisfaction_section.html"
CASE_SECTION_TEMPLATE = "support/_satisfaction_case_section.html"
NPS_CARD_TEMPLATE = "support/_nps_card.html"


@receiver(community_events.solution_accepted, dispatch_uid="support.satisfaction.solution_accepted")
def on_solution_accepted(*, thread_id: int, post_id: int, **kwargs: Any) -> None:
    """Ask the asker to rate the solution later, unless they wrote it or have rated already."""
    row = Thread.objects.filter(pk=thread_id).values("author_id", "solution__author_id").first()
    if row is None or row["author_id"] == row["solution__author_id"]:
        return
    asker_id = row["author_id"]
    # A changed solution asks again only if the first request went unanswered.
    if dashboard.satisfaction_for_thread(thread_id=thread_id, respondent_id=asker_id):
        return
    satisfaction_ask_later(member_id=asker_id, thread_id=thread_id)


@receiver(events.case_updated, dispatch_uid="support.satisfaction.case_updated")
def on_case_updated(*, case_id: int, changes: list[str] | tuple[str, ...], **kwargs: Any) -> None:
    """A case just became resolved or closed: ask its customer to rate it, once."""
    if "status" not in changes:
        return
    case = Case.objects.filter(pk=case_id).only("status", "customer_id", "thread_id").first()
    if case is None or case.status not in RATEABLE_CASE_STATUSES:
        return
    # Resolved -> closed is the same ending, already asked about.
    last_change = (
        CaseEvent.objects.filter(case_id=case_id, kind=CaseEvent.Kind.STATUS)
        .order_by("-created_at", "-pk")
        .values_list("data", flat=True)
        .first()
    )
    if isinstance(last_change, dict) and last_change.get("from") in RATEABLE_CASE_STATUSES:
        return
    if dashboard.satisfaction_for_case(case_id=case_id, respondent_id=case.customer_id):
        return
    events.satisfaction_requested.send(
        sender=Satisfaction, member_id=case.customer_id, thread_id=case.thread_id, case_id=case_id
    )


def thread_section(thread: Thread, viewer: Viewer) -> extensions.Section | None:
    """ "Did this solve your problem?" for the asker of a solved question; nothing for others.

    Costs the asker one query on each of their own questions, solved or not, and everyone
    else none: the page's cost must not depend on the thread's state (the query budgets of
    tests/community/test_pages_queries.py compare an open and a solved question).
    """
    if not isinstance(viewer, Member) or viewer.pk != thread.author_id:
        return None
    rating = dashboard.satisfaction_for_thread(thread_id=thread.pk, respondent_id=viewer.pk)
    solution = thread.solution if thread.solution_id else None
    if solution is None or solution.author_id == viewer.pk:
        return None
    # Not the moment she accepts it: a while later, once she knows whether the fix held.
    if rating is None and (
        thread.solved_at is None or timezone.now() < thread.solved_at + ask_after()
    ):
        return None
    # After the answers, below the one it asks about: the asker has just read it (or come
    # back from the notification), not between her question and the answers.
    return extensions.Section(
        template=THREAD_SECTION_TEMPLATE, context=thread_context(thread, rating), place="answers"
    )


def case_section(case: Case, viewer: Viewer) -> extensions.Section | None:
    """The same question about a resolved case, for its customer.

    For the case page (the cases part of support includes it):
    `{% include section.template with section=section.context %}`.
    """
    if not isinstance(viewer, Member) or viewer.pk != case.customer_id:
        return None
    if case.status not in RATEABLE_CASE_STATUSES:
        return None
    rating = dashboard.satisfaction_for_case(case_id=case.pk, respondent_id=viewer.pk)
    return extensions.Section(template=CASE_SECTION_TEMPLATE, context=case_context(case, rating))


def home_section(viewer: Viewer) -> extensions.Section | None:
    """The NPS card at the top of the home page, for the members due to be asked
    (selectors.nps_due); nothing for visitors, staff or new accounts, at no query."""
    if not nps_due(viewer=viewer):
        return None
    return extensions.Section(template=NPS_CARD_TEMPLATE, context=nps_context())
