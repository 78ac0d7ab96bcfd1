"""Which product events become webhooks, and what their `data` says.

Each receiver runs inside the transaction that announced the event and only writes the
outbox rows (notifications.webhooks.services.webhook_event_record); the POSTs go after
commit. The data is what an integration needs to act: ids, states, usernames and absolute
links (never private messages or internal notes).

| event | from |
| --- | --- |
| case.created | support.case_opened |
| thread.escalated | support.case_opened, when the case is about a question |
| case.updated | support.case_updated (status, assignee, priority, a staff answer) |
| case.resolved | support.case_updated, when the status becomes resolved |
| flag.created | support.flag_created |
| known_issue.updated | support.known_issue_changed (opened, edited, resolved, an update, |
|                     | questions linked or unlinked), never for an "I have this too" |
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.dispatch import receiver

from notifications.emails import absolute_url
from notifications.webhooks.models import WebhookEvent
from notifications.webhooks.services import webhook_event_record, webhook_subscribers
from support import events as support
from support.cases.models import Case, CaseStatus
from support.known_issues.models import KnownIssue
from support.moderation.models import Flag


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _case_data(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "status": case.status,
        "priority": case.priority,
        "reason": case.reason,
        "thread": case.thread_id,
        "customer": case.customer.username,
        "assignee": case.assignee.username if case.assignee else None,
        "created_at": _when(case.created_at),
        "resolved_at": _when(case.resolved_at),
        "url": absolute_url(case.get_absolute_url()),
    }


def _case(case_id: int) -> Case:
    return Case.objects.select_related("customer", "assignee", "thread").get(pk=case_id)


@receiver(support.case_opened, dispatch_uid="notifications.webhooks.case_opened")
def case_opened(*, case_id: int, **kwargs: Any) -> None:
    subscribers = webhook_subscribers()
    created = subscribers.get(WebhookEvent.CASE_CREATED, [])
    escalated = subscribers.get(WebhookEvent.THREAD_ESCALATED, [])
    if not created and not escalated:
        return
    case = _case(case_id)
    if created:
        webhook_event_record(
            event=WebhookEvent.CASE_CREATED, data={"case": _case_data(case)}, endpoint_ids=created
        )
    if escalated and case.thread is not None:
        thread = case.thread
        webhook_event_record(
            event=WebhookEvent.THREAD_ESCALATED,
            data={
                "thread": {
                    "id": thread.pk,
                    "title": thread.title,
                    "url": absolute_url(thread.get_absolute_url()),
                },
                "case": _case_data(case),
            },
            endpoint_ids=escalated,
        )


@receiver(support.case_updated, dispatch_uid="notifications.webhooks.case_updated")
def case_updated(*, case_id: int, changes: list[str], **kwargs: Any) -> None:
    subscribers = webhook_subscribers()
    updated = subscribers.get(WebhookEvent.CASE_UPDATED, [])
    resolved = subscribers.get(WebhookEvent.CASE_RESOLVED, [])
    if not updated and not resolved:
        return
    case = _case(case_id)
    if updated:
        webhook_event_record(
            event=WebhookEvent.CASE_UPDATED,
            data={"case": _case_data(case), "changes": list(changes)},
            endpoint_ids=updated,
        )
    if resolved and "status" in changes and case.status == CaseStatus.RESOLVED:
        webhook_event_record(
            event=WebhookEvent.CASE_RESOLVED, data={"case": _case_data(case)}, endpoint_ids=resolved
        )


@receiver(support.flag_created, dispatch_uid="notifications.webhooks.flag_created")
def flag_created(*, flag_id: int, **kwargs: Any) -> None:
    endpoint_ids = webhook_subscribers().get(WebhookEvent.FLAG_CREATED, [])
    if not endpoint_ids:
        return
    flag = Flag.objects.select_related("thread", "post", "flagger").get(pk=flag_id)
    target = flag.post or flag.thread
    webhook_event_record(
        event=WebhookEvent.FLAG_CREATED,
        data={
            "flag": {
                "id": flag.pk,
                "kind": flag.kind,
                "thread": flag.thread_id,
                "post": flag.post_id,
                "flagger": flag.flagger.username,
                "created_at": _when(flag.created_at),
                "url": absolute_url(target.get_absolute_url()),
            }
        },
        endpoint_ids=endpoint_ids,
    )


@receiver(support.known_issue_changed, dispatch_uid="notifications.webhooks.known_issue_changed")
def known_issue_changed(*, known_issue_id: int, changes: list[str], **kwargs: Any) -> None:
    # A click on "I have this too" is not news to an integration (an outage draws thousands).
    if changes == ["me_too"]:
        return
    endpoint_ids = webhook_subscribers().get(WebhookEvent.KNOWN_ISSUE_UPDATED, [])
    if not endpoint_ids:
        return
    issue = KnownIssue.objects.prefetch_related("boards", "tags").get(pk=known_issue_id)
    webhook_event_record(
        event=WebhookEvent.KNOWN_ISSUE_UPDATED,
        data={
            "known_issue": {
                "id": issue.pk,
                "title": issue.title,
                "status": issue.status,
                "boards": [b.slug for b in issue.boards.all()],
                "tags": [t.slug for t in issue.tags.all()],
                "me_too_count": issue.me_too_count,
                "linked_thread_count": issue.thread_links.count(),
                "created_at": _when(issue.created_at),
                "resolved_at": _when(issue.resolved_at),
                "url": absolute_url(issue.get_absolute_url()),
            },
            "changes": list(changes),
            "update": kwargs.get("update_id"),
        },
        endpoint_ids=endpoint_ids,
    )
