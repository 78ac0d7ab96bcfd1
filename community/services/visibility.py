"""Holding questions and answers from public view, and releasing them.

Moderation and the personal-data check (in the support app) decide; the community owns the
state. Hidden content stays visible to its author, with the reason, and to staff.
"""

from __future__ import annotations

from django.db import transaction

from community import events
from community.models import HiddenReason, Post, Thread


def content_hide(
    *, thread: Thread | None = None, post: Post | None = None, reason: str, actor_id: int | None
) -> bool:
    """Hide one question or answer; False if it was already hidden for that reason."""
    if reason not in HiddenReason.values:
        raise ValueError(f"unknown reason {reason!r}")
    target: Thread | Post = _one(thread, post)
    with transaction.atomic():
        changed = type(target).objects.filter(pk=target.pk).exclude(hidden_reason=reason)
        if not changed.update(hidden_reason=reason):
            return False
        target.hidden_reason = reason
        events.content_hidden.send(
            sender=type(target),
            thread_id=target.pk if isinstance(target, Thread) else target.thread_id,
            post_id=target.pk if isinstance(target, Post) else None,
            reason=reason,
            actor_id=actor_id,
        )
    return True


def content_restore(
    *, thread: Thread | None = None, post: Post | None = None, actor_id: int | None
) -> bool:
    """Make a hidden question or answer public again; False if it wasn't hidden."""
    target: Thread | Post = _one(thread, post)
    with transaction.atomic():
        if (
            not type(target)
            .objects.filter(pk=target.pk)
            .exclude(hidden_reason="")
            .update(hidden_reason="")
        ):
            return False
        target.hidden_reason = ""
        events.content_restored.send(
            sender=type(target),
            thread_id=target.pk if isinstance(target, Thread) else target.thread_id,
            post_id=target.pk if isinstance(target, Post) else None,
            actor_id=actor_id,
        )
    return True


def _one(thread: Thread | None, post: Post | None) -> Thread | Post:
    if thread is not None and post is None:
        return thread
    if post is not None and thread is None:
        return post
    raise ValueError("Give exactly one of thread or post.")
