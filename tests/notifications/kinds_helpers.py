"""Helpers for the per-kind notification tests (tests/notifications/test_kinds_*.py).

Everything is driven through the real services (the community's without the posting
limits), inside the test's transaction, so the notification rows a test reads are exactly
what the receivers wrote for the action. After-commit work (pushes, emails) only runs where
a test asks for it with `django_capture_on_commit_callbacks(execute=True)`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import transaction

from community.models import Member
from notifications import realtime
from notifications import services as notification_services
from notifications.messages import message_for
from notifications.models import Notification

_numbers = itertools.count(1)

# Personal data the support app holds content for (a UK mobile in international format).
PHONE = "+44 7700 900123"


# --- reading the inbox ----------------------------------------------------------------------


def mark() -> int:
    """The newest notification id now: pass it as `after` to look only at what follows."""
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def recipients(kind: str, *, after: int = 0) -> set[str]:
    """Usernames of everyone holding a notification of `kind` (newer than `after`)."""
    rows = Notification.objects.filter(kind=kind, pk__gt=after)
    return set(rows.values_list("recipient__username", flat=True))


def of(member: Member, kind: str | None = None, *, after: int = 0) -> list[Notification]:
    """The member's notifications (of one kind), newest first, with their actor loaded."""
    rows = Notification.objects.filter(recipient=member, pk__gt=after).select_related("actor")
    if kind is not None:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("-pk"))


def only(member: Member, kind: str, *, after: int = 0) -> Notification:
    """The member's one notification of `kind` (fails if there are none or several)."""
    rows = of(member, kind, after=after)
    assert len(rows) == 1, f"{member.username} has {len(rows)} {kind} notifications"
    return rows[0]


def kinds_of(member: Member, *, after: int = 0) -> set[str]:
    rows = Notification.objects.filter(recipient=member, pk__gt=after)
    return set(rows.values_list("kind", flat=True))


def assert_message(notification: Notification, *fragments: str) -> str:
    """message_for renders a real sentence (not the fallback label) with every fragment."""
    message = message_for(notification)
    assert message != str(notification.get_kind_display()), message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    return message


# --- recording after-commit deliveries ------------------------------------------------------


@dataclass
class Deliveries:
    """Pushes handed to the channel layer and emails queued, once the transaction commits."""

    pushes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    emails: list[int] = field(default_factory=list)

    def new_notifications(self) -> dict[str, set[int]]:
        """group -> ids announced there with `notification.new`."""
        groups: dict[str, set[int]] = {}
        for group, message in self.pushes:
            if message.get("type") == "notification.new":
                groups.setdefault(group, set()).add(message["id"])
        return groups


def record_deliveries(monkeypatch: pytest.MonkeyPatch) -> Deliveries:
    """Record pushes (realtime.send_now) and email scheduling (services._email_on_commit).

    The email recorder keeps the real timing: it registers its own on_commit callback, so an
    email counts as queued only once the transaction commits, as the real one would. (A
    test module wraps this in a `deliveries` fixture.)
    """
    recorded = Deliveries()

    def send_now(group: str, message: dict[str, Any]) -> bool:
        recorded.pushes.append((group, message))
        return True

    def email_on_commit(notification_id: int) -> None:
        transaction.on_commit(lambda: recorded.emails.append(notification_id))

    monkeypatch.setattr(realtime, "send_now", send_now)
    monkeypatch.setattr(notification_services, "_email_on_commit", email_on_commit)
    return recorded
