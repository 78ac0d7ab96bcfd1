"""Support's part of a member's personal data (README, "Personal data").

The export holds the member's cases with the conversation they saw: never internal notes,
nor internal timeline entries. On deletion the cases stay (the support record, with a
"Deleted member" as customer), the member's own messages lose their text, and cases still
active are closed: nobody is left to answer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from community import services as community_services
from community.models import Member
from community.selectors.members import iso
from support.cases.models import ACTIVE_CASE_STATUSES, Case, CaseEvent, CaseMessage, CaseStatus


def cases_personal_data(member: Member) -> dict[str, Any]:
    public = CaseMessage.objects.filter(internal=False).select_related("author")
    cases = (
        Case.objects.filter(customer_id=member.pk)
        .select_related("thread")
        .prefetch_related(Prefetch("messages", queryset=public, to_attr="public_messages"))
        .order_by("created_at", "pk")
    )
    return {
        "cases": [
            {
                "id": case.pk,
                "reason": case.reason,
                "status": case.status,
                "priority": case.priority,
                "thread_id": case.thread_id,
                "thread_title": case.thread.title if case.thread else None,
                "created_at": iso(case.created_at),
                "resolved_at": iso(case.resolved_at),
                "messages": [
                    {
                        "from_me": m.author_id == member.pk,
                        "author": m.author.name,
                        "body": m.body,
                        "created_at": iso(m.created_at),
                    }
                    for m in case.public_messages
                ],
            }
            for case in cases
        ]
    }


def cases_erase(member: Member) -> None:
    CaseMessage.objects.filter(case__customer_id=member.pk, author_id=member.pk).update(
        body=_("(Removed: the member deleted their account.)")
    )
    now = timezone.now()
    for case in Case.objects.select_for_update().filter(
        customer_id=member.pk, status__in=ACTIVE_CASE_STATUSES
    ):
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.STATUS,
            actor=None,
            data={"from": case.status, "to": CaseStatus.CLOSED, "automatic": True},
            created_at=now,
        )
        case.status = CaseStatus.CLOSED
        case.resolved_at = now
        case.save(update_fields=["status", "resolved_at", "updated_at"])
        if case.thread_id:
            community_services.thread_mark_escalated(thread_id=case.thread_id, escalated=False)
