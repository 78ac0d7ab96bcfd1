"""Known issues in the inbox: an update tells the members who have the issue; the resolution
tells them and everyone who asked a question linked to it. A crowd, so in bulk
(notifications.bulk): a fixed number of queries whatever the number of members.

Live: every change a banner shows (an update, the status, the title or description, a
"me too") goes to the announcements group (/ws/announcements/, open to visitors: known
issues are public, and the event carries only the id). Open board, question and ask pages
showing the issue fetch their banner again (static/js/live.js)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from notifications.announcements import ANNOUNCEMENTS_GROUP
from notifications.bulk import notify_crowd
from notifications.models import Kind
from notifications.realtime import send_event_on_commit
from support import events as support
from support.known_issues.models import KnownIssue, KnownIssueStatus
from support.known_issues.selectors import known_issue_affected_ids, known_issue_subscriber_ids

# What a banner shows; linking questions and opening an issue change no open banner.
SHOWN_ON_BANNERS = frozenset(
    {"update", "status", "title", "description", "me_too", "boards", "tags"}
)


@receiver(support.known_issue_changed, dispatch_uid="notifications.known_issue_changed")
def known_issue_changed(
    *,
    known_issue_id: int,
    changes: list[str],
    actor_id: int | None = None,
    update_id: int | None = None,
    **kwargs: Any,
) -> None:
    if SHOWN_ON_BANNERS.intersection(changes):
        send_event_on_commit(
            ANNOUNCEMENTS_GROUP,
            {
                "type": "announcement.event",
                "event": {"type": "known_issue.changed", "id": known_issue_id},
            },
        )
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
