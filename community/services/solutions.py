"""Accepting an answer as the solution of a question, changing it and withdrawing it.

Points move for the answerer and the asker (and back for a replaced solution's author), so
each write locks those members' rows first, in id order, and the thread after them: the
order every write about members keeps (community.services.standing). Two opposite accepts
at the same instant then queue instead of deadlocking on each other's score rows.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community import events, permissions
from community.errors import Conflict
from community.models import REVIEW_REASONS, Board, Member, Post, Thread
from community.services.standing import members_lock


def _solution_author_id(solution_id: int | None) -> int | None:
    if solution_id is None:
        return None
    return Post.objects.filter(pk=solution_id).values_list("author_id", flat=True).first()


def _lock_thread_and_its_members(thread: Thread, *member_ids: int | None) -> Thread:
    """Lock the members whose points may move, then the thread.

    The current solution is read before the thread's lock; if it changed in between, its
    author is locked too (after the thread: rare, and a deadlock there is retried by nobody
    but reported as an error, never a wrong total).
    """
    seen = Thread.objects.filter(pk=thread.pk).values_list("solution_id", flat=True).first()
    members_lock(thread.author_id, _solution_author_id(seen), *member_ids)
    locked = Thread.objects.select_for_update(no_key=True).get(pk=thread.pk)
    if locked.solution_id != seen:
        members_lock(_solution_author_id(locked.solution_id))
    return locked


def solution_accept(*, thread: Thread, post: Post, actor: Member) -> Thread:
    """Mark `post` as the solution, replacing an earlier one. Accepting it again changes nothing."""
    if not permissions.can_accept_solution(actor, thread):
        raise PermissionDenied(
            _("Only the person who asked, a moderator or an agent can choose the solution.")
        )
    if post.thread_id != thread.pk:
        raise ValidationError({"post": _("That answer belongs to another question.")})
    with transaction.atomic():
        locked = _lock_thread_and_its_members(thread, post.author_id)
        if locked.is_locked:
            raise Conflict(_("This thread is locked: its solution can't change."))
        # An answer waiting for review was never announced (no points, nobody told): it can
        # be chosen once a moderator lets it through. Read under the thread's lock, which
        # the approval takes too.
        if Post.objects.filter(pk=post.pk, hidden_reason__in=REVIEW_REASONS).exists():
            raise Conflict(_("This answer is waiting for a moderator's review."))
        previous = locked.solution_id
        if previous == post.pk:
            return locked
        if previous is not None:
            events.solution_withdrawn.send(
                sender=Thread, thread_id=locked.pk, post_id=previous, actor_id=actor.pk
            )
        else:
            Board.objects.filter(pk=locked.board_id).update(solved_count=F("solved_count") + 1)
        locked.solution = post
        locked.solved_at = timezone.now()
        locked.save(update_fields=["solution", "solved_at"])
        events.solution_accepted.send(
            sender=Thread, thread_id=locked.pk, post_id=post.pk, actor_id=actor.pk
        )
    return locked


def solution_withdraw(*, thread: Thread, actor: Member) -> Thread:
    """Un-mark the solution: the thread is open again."""
    if not permissions.can_accept_solution(actor, thread):
        raise PermissionDenied(
            _("Only the person who asked, a moderator or an agent can change the solution.")
        )
    with transaction.atomic():
        locked = _lock_thread_and_its_members(thread)
        if locked.solution_id is None:
            raise Conflict(_("This question has no accepted solution."))
        if locked.is_locked:
            raise Conflict(_("This thread is locked: its solution can't change."))
        post_id = locked.solution_id
        locked.solution = None
        locked.solved_at = None
        locked.save(update_fields=["solution", "solved_at"])
        Board.objects.filter(pk=locked.board_id).update(solved_count=F("solved_count") - 1)
        events.solution_withdrawn.send(
            sender=Thread, thread_id=locked.pk, post_id=post_id, actor_id=actor.pk
        )
    return locked
