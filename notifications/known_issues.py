"""Known issues in the inbox: an update tells the members who have the issue; the resolution
tells them and everyone who asked a question linked to it. A crowd, so in bulk
(notifications.bulk): a fixed number of queries whatever the number of members."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from notifications.bulk import notify_crowd
from notifications.models import Kind
from support import events as support
from support.known_issues.models import KnownIssue, KnownIssueStatus
from support.known_issues.selectors import known_issue_affected_ids, known_issue_subscriber_ids


@receiver(support.known_issue_changed, dispatch_uid="notifications.known_issue_changed")
def known_issue_changed(
    *,
    known_issue_id: int,
    changes: list[str],
    actor_id: int | None = None,
    update_id: int | None = None,
    **kwargs: Any,
) -> None:
    resolved = "status" in changes
    if update_id is None and not resolved:
        return
    issue = KnownIssue.objects.only("pk", "title", "status").get(pk=known_issue_id)
    if resolved and issue.status == KnownIssueStatus.RESOLVED:
        notify_crowd(
            recipients=known_issue_affected_ids(known_issue_id=issue.pk),
            kind=Kind.KNOWN_ISSUE_RESOLVED,
            actor_id=actor_id,
            url=issue.get_absolute_url(),
            data={"title": issue.title, "known_issue": issue.pk},
        )
    elif update_id is not None:
        notify_crowd(
            recipients=known_issue_subscriber_ids(known_issue_id=issue.pk),
            kind=Kind.KNOWN_ISSUE_UPDATE,
            actor_id=actor_id,
            url=issue.get_absolute_url(),
            data={"title": issue.title, "known_issue": issue.pk, "update": update_id},
        )
