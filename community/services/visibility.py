"""Holding questions and answers from public view, and releasing them.

Moderation and the personal-data check (in the support app) decide; the community owns the
state. Hidden content stays visible to its author, with the reason, and to staff.

A thread's and a board's `answer_count` count public answers only, as every reader but the
author and staff sees them: hiding an answer takes it off both, restoring puts it back. The
thread's row is locked first, as posting and deleting an answer do, so the counts follow
whichever of them comes first.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from community import events
from community.models import REVIEW_REASONS, Board, HiddenReason, Post, Thread


def content_hide(
    *, thread: Thread | None = None, post: Post | None = None, reason: str, actor_id: int | None
) -> bool:
    """Hide one question or answer; False if it was already hidden for that reason."""
    if reason not in HiddenReason.values or reason in REVIEW_REASONS:
        raise ValueError(f"not a reason to hide: {reason!r} (review: community.services.review)")
    target: Thread | Post = _one(thread, post)
    with transaction.atomic():
        _lock_thread_of(target)
        rows = type(target).objects.filter(pk=target.pk)
        if rows.filter(hidden_reason="").update(hidden_reason=reason):
            _count_answer(target, -1)
        # Content waiting for review was never announced: only the review decides on it.
        elif not rows.exclude(hidden_reason__in=["", reason, *REVIEW_REASONS]).update(
            hidden_reason=reason
        ):
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
    """Make a hidden question or answer public again; False if it wasn't hidden (content
    waiting for review is approved instead: community.services.review)."""
    target: Thread | Post = _one(thread, post)
    with transaction.atomic():
        _lock_thread_of(target)
        if (
            not type(target)
            .objects.filter(pk=target.pk)
            .exclude(hidden_reason__in=["", *REVIEW_REASONS])
            .update(hidden_reason="")
        ):
            return False
        _count_answer(target, +1)
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


def _lock_thread_of(target: Thread | Post) -> None:
    if isinstance(target, Post):
        list(Thread.objects.select_for_update(no_key=True).filter(pk=target.thread_id))


def _count_answer(target: Thread | Post, delta: int) -> None:
    """An answer left or rejoined public view: its thread's and board's counts follow."""
    if not isinstance(target, Post):
        return
    Thread.objects.filter(pk=target.thread_id).update(answer_count=F("answer_count") + delta)
    Board.objects.filter(threads=target.thread_id).update(answer_count=F("answer_count") + delta)
