"""Helpers for the inbox, API, email and preference tests (tests/notifications/test_inbox_*,
test_api_*, test_email_*, test_preferences_*).

Notifications are written through notifications.services.notify, as the receivers write
them, or through real community actions. Emails go out only after commit: a test that wants
them wraps the action in `django_capture_on_commit_callbacks(execute=True)` (Celery runs
eagerly in the tests, so the email task runs right there).
"""

from __future__ import annotations

import itertools
from datetime import datetime

from community.models import Member
from notifications import services
from notifications.models import Kind, Notification

_numbers = itertools.count(1)

HTMX = {"HX-Request": "true"}


def notify_answer(
    recipient: Member, actor: Member, *, title: str = "No signal since Monday", url: str = ""
) -> Notification:
    """An "answered your question" notification (emailed at once by default)."""
    n = next(_numbers)
    notification = services.notify(
        recipient_id=recipient.pk,
        kind=Kind.ANSWER,
        actor_id=actor.pk,
        url=url or f"/threads/{n}/no-signal/#post-{n}",
        data={"title": title},
    )
    assert notification is not None
    return notification


def notify_kudos(
    recipient: Member, actor: Member, *, title: str = "Roaming charges", group: str = ""
) -> Notification:
    """A kudos notification (site only by default; in the digest)."""
    n = next(_numbers)
    notification = services.notify(
        recipient_id=recipient.pk,
        kind=Kind.KUDOS,
        actor_id=actor.pk,
        url=f"/threads/{n}/roaming/",
        data={"title": title},
        group_key=group,
    )
    assert notification is not None
    return notification


def notify_badge(recipient: Member, badge: str = "first-answer") -> Notification:
    """A notification with no actor: the system speaking."""
    notification = services.notify(
        recipient_id=recipient.pk,
        kind=Kind.BADGE,
        url=f"/badges/{badge}/",
        data={"badge_slug": badge},
    )
    assert notification is not None
    return notification


def many_kudos(recipient: Member, actors: list[Member], count: int) -> list[Notification]:
    """`count` kudos notifications, from the actors in turn, oldest first."""
    return [notify_kudos(recipient, actors[i % len(actors)]) for i in range(count)]


def stamp(notification: Notification, created_at: datetime) -> None:
    """Move a notification in time (the digest looks at when things happened)."""
    Notification.objects.filter(pk=notification.pk).update(created_at=created_at)


def unread_of(member: Member) -> int:
    return Notification.objects.filter(recipient=member, read_at__isnull=True).count()
