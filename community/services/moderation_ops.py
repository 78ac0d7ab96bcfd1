"""Moderators' operations on threads and members: move, merge duplicates, suspend.

The support app decides and keeps the audit log (support.moderation.services); the community
owns the rows and their denormalized counters, so the writes live here. Moving and merging
need a moderator's permissions (`lock_thread` and `delete_any_content`, which only the
moderators group grants); suspending is support's decision and is not checked again here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.utils.translation import gettext as _

from community import events
from community.errors import Conflict
from community.models import Board, Member, Mention, Post, Subscription, Thread
from community.services.posts import post_create

MODERATION_PERMISSIONS = ("community.lock_thread", "community.delete_any_content")


def _require_moderator(actor: Member) -> None:
    if not (actor.is_active and actor.has_perms(MODERATION_PERMISSIONS)):
        raise PermissionDenied(_("Only moderators can move or merge threads."))


def thread_move(*, thread: Thread, board: Board, actor: Member) -> Thread:
    """Move a question, with its answers, to another board; both boards' counts follow."""
    _require_moderator(actor)
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if locked.board_id == board.pk:
            raise Conflict(_("The thread is already on that board."))
        solved = 1 if locked.solution_id else 0
        Board.objects.filter(pk=locked.board_id).update(
            thread_count=F("thread_count") - 1,
            answer_count=F("answer_count") - locked.answer_count,
            solved_count=F("solved_count") - solved,
        )
        Board.objects.filter(pk=board.pk).update(
            thread_count=F("thread_count") + 1,
            answer_count=F("answer_count") + locked.answer_count,
            solved_count=F("solved_count") + solved,
        )
        Board.objects.filter(pk=board.pk).filter(
            last_activity_at__lt=locked.last_activity_at
        ).update(last_activity_at=locked.last_activity_at)
        Board.objects.filter(pk=board.pk, last_activity_at__isnull=True).update(
            last_activity_at=locked.last_activity_at
        )
        Thread.objects.filter(pk=locked.pk).update(board=board)
        thread.board = board
        events.thread_updated.send(
            sender=Thread, thread_id=locked.pk, actor_id=actor.pk, revision_id=None
        )
    return thread


def thread_merge(*, duplicate: Thread, target: Thread, actor: Member, note: str) -> list[int]:
    """Merge a duplicate question into `target`; returns the ids of the answers moved.

    The duplicate's answers move to the target (their kudos, mentions and revisions go with
    them); its followers follow the target. The duplicate stays, locked, with `note` (a
    Markdown line linking to the target) as a last answer by the moderator, so an old link
    still leads somewhere. A solution of the duplicate stays an answer in the target but
    no longer solves anything: it answered another asker. The counters of both threads and
    both boards are kept right; points already earned are not taken back.
    """
    _require_moderator(actor)
    if duplicate.pk == target.pk:
        raise ValidationError({"target": _("A thread can't be merged into itself.")})
    with transaction.atomic():
        # Lock in id order, so two merges of the same pair in opposite directions can't
        # deadlock.
        rows = {
            t.pk: t
            for t in Thread.objects.select_for_update()
            .filter(pk__in=[duplicate.pk, target.pk])
            .order_by("pk")
        }
        dup, into = rows[duplicate.pk], rows[target.pk]
        moved = list(
            Post.objects.filter(thread=dup)
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)
        )
        if moved:
            _move_answers(dup, into, moved)
        Subscription.objects.bulk_create(
            [
                Subscription(member_id=member_id, thread=into)
                for member_id in Subscription.objects.filter(thread=dup).values_list(
                    "member_id", flat=True
                )
            ],
            ignore_conflicts=True,
        )
        if dup.is_locked:
            Thread.objects.filter(pk=dup.pk).update(is_locked=False)
            dup.is_locked = False
        post_create(author=actor, thread=dup, body=note, check_limits=False)
        Thread.objects.filter(pk=dup.pk).update(is_locked=True)
        duplicate.is_locked = True
        for changed in (dup, into):
            events.thread_updated.send(
                sender=Thread, thread_id=changed.pk, actor_id=actor.pk, revision_id=None
            )
    duplicate.refresh_from_db()
    target.refresh_from_db()
    return moved


def _move_answers(dup: Thread, into: Thread, moved: list[int]) -> None:
    # The counts are of public answers: hidden ones move without moving them.
    n = Post.objects.filter(pk__in=moved, hidden_reason="").count()
    solution_moved = dup.solution_id in moved
    Post.objects.filter(pk__in=moved).update(thread=into)
    Mention.objects.filter(post_id__in=moved).update(thread=into)
    # Time to first answer counts the community's answers, not the asker's own.
    stats = Post.objects.filter(pk__in=moved).aggregate(
        last=Max("created_at"),
        first=Min("created_at", filter=~Q(author_id=into.author_id)),
    )
    into_updates: dict[str, object] = {"answer_count": F("answer_count") + n}
    if stats["last"] and stats["last"] > into.last_activity_at:
        into_updates["last_activity_at"] = stats["last"]
    if stats["first"] and (into.first_answer_at is None or stats["first"] < into.first_answer_at):
        into_updates["first_answer_at"] = stats["first"]
    Thread.objects.filter(pk=into.pk).update(**into_updates)
    dup_updates: dict[str, object] = {"answer_count": F("answer_count") - n}
    if solution_moved:
        dup_updates.update(solution=None, solved_at=None)
    Thread.objects.filter(pk=dup.pk).update(**dup_updates)
    if dup.board_id != into.board_id:
        Board.objects.filter(pk=dup.board_id).update(
            answer_count=F("answer_count") - n,
            solved_count=F("solved_count") - (1 if solution_moved else 0),
        )
        Board.objects.filter(pk=into.board_id).update(answer_count=F("answer_count") + n)
    elif solution_moved:
        Board.objects.filter(pk=dup.board_id).update(solved_count=F("solved_count") - 1)
    if solution_moved:
        dup.solution_id = None


def member_suspend(*, member: Member) -> bool:
    """Refuse the member's sign-ins (and end their sessions: Django drops an inactive
    member's session on the next request). False if already suspended."""
    changed = bool(Member.objects.filter(pk=member.pk, is_active=True).update(is_active=False))
    member.is_active = False
    return changed


def member_unsuspend(*, member: Member) -> bool:
    """Let a suspended member sign in again. False if they could already."""
    changed = bool(Member.objects.filter(pk=member.pk, is_active=False).update(is_active=True))
    member.is_active = True
    return changed
