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
from typing import Any

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community import services as community_services
from community.models import Board, Member, Post, Thread
from notifications import services
from notifications.models import Kind, Notification
from tests.factories import MemberFactory

_numbers = itertools.count(1)

HTMX = {"HX-Request": "true"}


def member_make(username: str | None = None, **kwargs: Any) -> Member:
    return MemberFactory.create(username=username or f"inbox{next(_numbers)}", **kwargs)


def logged_in(member: Member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def api_client(member: Member | None = None) -> APIClient:
    """A client speaking for `member` with an API token, or an anonymous one."""
    client = APIClient()
    if member is not None:
        token, _created = Token.objects.get_or_create(user=member)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


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


def board_make() -> Board:
    n = next(_numbers)
    return Board.objects.create(name=f"Inbox board {n}", slug=f"inbox-board-{n}")


def ask(author: Member, board: Board) -> Thread:
    n = next(_numbers)
    return community_services.thread_create(
        author=author,
        board=board,
        title=f"My phone has no signal, case {n}",
        body="My phone shows no signal since this morning, even after a restart.",
        check_limits=False,
    )


def answer(author: Member, thread: Thread) -> Post:
    return community_services.post_create(
        author=author,
        thread=thread,
        body=f"Try switching flight mode on and off, then re-seat the SIM card ({next(_numbers)}).",
        check_limits=False,
    )


def unread_of(member: Member) -> int:
    return Notification.objects.filter(recipient=member, read_at__isnull=True).count()
