"""The inbox's part of the demo community: notifications dated and read like a real member's.

The demo writes months of history in a few seconds, so every notification about it is born
unread and dated today: a demo member would open an inbox of 25-45 unread items about
questions from last spring. This step dates each notification by what it is about, and marks
read what a member who visits the site would have read: everything but the news of the last
couple of days, and never more than a handful left waiting.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from community.models import Kudos, Post, Thread
from notifications.models import Kind, Notification
from support.cases.models import Case, CaseEvent, CaseMessage

# What is still unread: the news of the last UNREAD_FOR, at most UNREAD_AT_MOST per member.
UNREAD_FOR = timedelta(days=2)
UNREAD_AT_MOST = 5
# A member reads a notification a little after it arrives.
READ_AFTER = timedelta(hours=2)
# News that was waiting for the member first: the payback statement is what they act on.
FIRST = {Kind.STATEMENT}


def _moments() -> dict[tuple[str, str], datetime]:
    """When the thing each kind of notification links to happened, by (kind, url)."""
    moments: dict[tuple[str, str], datetime] = {}
    threads = {
        t.pk: t
        for t in Thread.objects.only("pk", "title", "created_at", "solution_id", "solved_at")
    }
    for thread in threads.values():
        moments[(Kind.MENTION, thread.get_absolute_url())] = thread.created_at
    for post in Post.objects.only("pk", "created_at"):
        url = post.get_absolute_url()
        for kind in (Kind.ANSWER, Kind.REPLY, Kind.MENTION):
            moments[(kind, url)] = post.created_at
    for thread in threads.values():
        if thread.solution_id and thread.solved_at:
            moments[(Kind.SATISFACTION, thread.get_absolute_url())] = thread.solved_at
            moments[(Kind.SOLUTION, Post(pk=thread.solution_id).get_absolute_url())] = (
                thread.solved_at
            )
    latest = Kudos.objects.values("thread_id", "post_id").annotate(last=Max("created_at"))
    for row in latest.order_by():
        if row["post_id"]:
            url = Post(pk=row["post_id"]).get_absolute_url()
        else:
            url = threads[row["thread_id"]].get_absolute_url()
        moments[(Kind.KUDOS, url)] = row["last"]
    moments.update(_case_moments())
    return moments


def _case_moments() -> dict[tuple[str, str], datetime]:
    """When each case was opened, (re)assigned, last answered and resolved, by (kind, url)."""
    moments: dict[tuple[str, str], datetime] = {}
    for case in Case.objects.only("pk", "created_at", "resolved_at"):
        url = case.get_absolute_url()
        moments[(Kind.CASE_OPENED, url)] = moments[(Kind.CASE_ASSIGNED, url)] = case.created_at
        if case.resolved_at:
            moments[(Kind.CASE_RESOLVED, url)] = case.resolved_at
            moments[(Kind.SATISFACTION, url)] = case.resolved_at
    assigned = CaseEvent.objects.filter(kind=CaseEvent.Kind.ASSIGNED)
    for case_id, last in (
        assigned.values("case_id").annotate(last=Max("created_at")).values_list("case_id", "last")
    ):
        moments[(Kind.CASE_ASSIGNED, Case(pk=case_id).get_absolute_url())] = last
    replies = CaseMessage.objects.filter(internal=False)
    for case_id, last in (
        replies.values("case_id").annotate(last=Max("created_at")).values_list("case_id", "last")
    ):
        moments[(Kind.CASE_REPLY, Case(pk=case_id).get_absolute_url())] = last
    return moments


def demo_inbox_ensure() -> None:
    now = timezone.now()
    moments = _moments()
    for pk, kind, url, created in Notification.objects.values_list(
        "pk", "kind", "url", "created_at"
    ):
        when = moments.get((kind, url))
        if when is not None and when != created:
            Notification.objects.filter(pk=pk).update(created_at=when)
    unread = Notification.objects.filter(read_at__isnull=True)
    for member_id in set(unread.values_list("recipient_id", flat=True)):
        waiting = sorted(
            unread.filter(recipient_id=member_id),
            key=lambda n: (n.kind in FIRST, n.created_at, n.pk),
            reverse=True,
        )
        recent = [n for n in waiting if n.created_at >= now - UNREAD_FOR]
        keep = {n.pk for n in recent[:UNREAD_AT_MOST]}
        for notification in waiting:
            if notification.pk not in keep:
                read_at = min(notification.created_at + READ_AFTER, now)
                Notification.objects.filter(pk=notification.pk).update(read_at=read_at)
