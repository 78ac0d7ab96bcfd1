"""New members' first posts wait for a moderator (Discourse's "approve post count").

An account younger than ``NEW_MEMBER_HOURS`` (a day: the line the kudos rules draw) has its
questions and answers held, reason PENDING_REVIEW, until ``NEW_MEMBER_REVIEW_POSTS`` of them
have been approved (0 turns the review off; staff are never held). Held content is hidden
like any other: its author sees it, marked, and so do the moderators who decide on it (not
agents: community.permissions.can_see_hidden); for everyone else a held question is 404 and
a held answer is not there (lists, counts, search, feeds).

Held content is not announced when it is written: no `thread_created` or `post_created`,
so no points, no notifications to the asker, the followers or those mentioned, no live
event. Approving it announces it, as if it were posted then: followers hear of it and open
pages show it. Rejecting it keeps it for its author, reason REJECTED, never announced.
The moderation app (support.moderation.review) decides, logs and tells the author; the
community owns the state.

The count is decided inside the transaction that writes the post, on the author's locked
row (the posting limits take the same lock): two first posts sent at once both see no
approved post, so both are held, and an approval (which takes the lock too) is seen by the
next post whole or not at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from community import events, extensions
from community.models import REVIEW_REASONS, Board, HiddenReason, Member, Post, Thread
from community.services.standing import members_lock


def is_new_account(member: Member, *, now: datetime | None = None) -> bool:
    """Younger than NEW_MEMBER_HOURS: its first posts wait for review."""
    age = (now or timezone.now()) - member.date_joined
    return age < timedelta(hours=settings.NEW_MEMBER_HOURS)


def review_required(*, member: Member) -> bool:
    """Whether a question or answer `member` writes now waits for a moderator.

    Call inside the transaction that writes it: it locks the member's row until the end.
    """
    needed = settings.NEW_MEMBER_REVIEW_POSTS
    if needed <= 0 or member.is_staff or member.is_superuser or not is_new_account(member):
        return False
    members_lock(member.pk)
    approved = (
        Thread.objects.filter(author=member).exclude(hidden_reason__in=REVIEW_REASONS).count()
    )
    if approved >= needed:
        return False
    approved += Post.objects.filter(author=member).exclude(hidden_reason__in=REVIEW_REASONS).count()
    return approved < needed


def content_approve(*, thread: Thread | None = None, post: Post | None = None) -> bool:
    """Make content held for review public and announce it; False if it wasn't held.

    An answer joins its thread's and board's counts and moves the thread up the lists, as a
    new answer does. The other apps' content checks (personal data) run now, before the
    announcement, as they would have on a public post.
    """
    target = _one(thread, post)
    with transaction.atomic():
        # Members first, then the thread: the lock order of every write (standing.py).
        members_lock(target.author_id)
        thread_id = target.pk if isinstance(target, Thread) else target.thread_id
        locked = Thread.objects.select_for_update(no_key=True).get(pk=thread_id)
        rows = type(target).objects.filter(pk=target.pk, hidden_reason__in=REVIEW_REASONS)
        if not rows.update(hidden_reason=""):
            return False
        target.hidden_reason = ""
        now = timezone.now()
        if isinstance(target, Post):
            updates = {"answer_count": F("answer_count") + 1, "last_activity_at": now}
            if target.author_id != locked.author_id:
                updates["first_answer_at"] = Coalesce(F("first_answer_at"), now)
            Thread.objects.filter(pk=locked.pk).update(**updates)
            Board.objects.filter(pk=locked.board_id).update(
                answer_count=F("answer_count") + 1, last_activity_at=now
            )
            extensions.content_checks_run(post_id=target.pk, actor_id=target.author_id)
            events.post_created.send(
                sender=Post, post_id=target.pk, thread_id=locked.pk, actor_id=target.author_id
            )
        else:
            Thread.objects.filter(pk=locked.pk).update(last_activity_at=now)
            Board.objects.filter(pk=locked.board_id).update(last_activity_at=now)
            extensions.content_checks_run(thread_id=locked.pk, actor_id=target.author_id)
            events.thread_created.send(
                sender=Thread,
                thread_id=locked.pk,
                board_id=locked.board_id,
                actor_id=target.author_id,
            )
    return True


def content_reject(
    *, thread: Thread | None = None, post: Post | None = None, actor_id: int | None
) -> bool:
    """Keep content held for review from view for good (its author still sees it, marked);
    False if it wasn't waiting for review."""
    target = _one(thread, post)
    with transaction.atomic():
        thread_id = target.pk if isinstance(target, Thread) else target.thread_id
        list(Thread.objects.select_for_update(no_key=True).filter(pk=thread_id))
        rows = type(target).objects.filter(pk=target.pk, hidden_reason=HiddenReason.PENDING_REVIEW)
        if not rows.update(hidden_reason=HiddenReason.REJECTED):
            return False
        target.hidden_reason = HiddenReason.REJECTED
        events.content_hidden.send(
            sender=type(target),
            thread_id=thread_id,
            post_id=target.pk if isinstance(target, Post) else None,
            reason=HiddenReason.REJECTED,
            actor_id=actor_id,
        )
    return True


def _one(thread: Thread | None, post: Post | None) -> Thread | Post:
    if thread is not None and post is None:
        return thread
    if post is not None and thread is None:
        return post
    raise ValueError("Give exactly one of thread or post.")
