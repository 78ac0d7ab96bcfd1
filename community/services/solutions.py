"""Accepting an answer as the solution of a question, changing it and withdrawing it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community import events, permissions
from community.errors import Conflict
from community.models import Board, Member, Post, Thread


def solution_accept(*, thread: Thread, post: Post, actor: Member) -> Thread:
    """Mark `post` as the solution, replacing an earlier one. Accepting it again changes nothing."""
    if not permissions.can_accept_solution(actor, thread):
        raise PermissionDenied(
            _("Only the person who asked, a moderator or an agent can choose the solution.")
        )
    if post.thread_id != thread.pk:
        raise ValidationError({"post": _("That answer belongs to another question.")})
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if locked.is_locked:
            raise Conflict(_("This thread is locked: its solution can't change."))
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
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
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
