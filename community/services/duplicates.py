"""Closing a question as a duplicate of another, and reopening it.

Rules:
- Moderators close duplicates, and members whose rank grants `close_duplicates` (Expert and up
  by default); only moderators reopen one, as only they unlock threads.
- A duplicate is locked (no new answers; every list and the SLA scan already treat it as
  locked) and its page points readers to the original. Reopening clears both.
- The original is another question readers can see: not the question itself, not a hidden
  one, and not one whose own chain of duplicates leads back here (A duplicate of B, B of A
  would send readers in a circle).
- Closing again with another original re-points it; with the same one it changes nothing.
- The asker hears about it (unless they closed it themselves): `thread_marked_duplicate`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from community import events, permissions
from community.errors import Conflict
from community.models import Member, Thread

# Chains are short (each link was checked when made); the cap only bounds a walk that
# concurrent closings elsewhere in the chain might have lengthened meanwhile.
CHAIN_MAX = 50


def _leads_back(original: Thread, thread_id: int) -> bool:
    """Whether following `original`'s duplicates reaches `thread_id` (or loops)."""
    seen = {original.pk}
    next_id = original.duplicate_of_id
    while next_id is not None and len(seen) < CHAIN_MAX:
        if next_id == thread_id or next_id in seen:
            return True
        seen.add(next_id)
        next_id = (
            Thread.objects.filter(pk=next_id).values_list("duplicate_of_id", flat=True).first()
        )
    return False


def thread_close_duplicate(*, thread: Thread, original: Thread, actor: Member) -> Thread:
    """Close `thread` as a duplicate of `original`; returns the thread as it now is.

    Raises PermissionDenied (not allowed), ValidationError on `of` (itself, a hidden
    original, a loop). Both rows are locked in id order, so two members closing A into B and
    B into A at once take turns, and the second meets the loop.
    """
    if not permissions.can_close_duplicate(actor):
        raise PermissionDenied(_("Your rank does not let you close questions as duplicates."))
    if original.pk == thread.pk:
        raise ValidationError({"of": _("A question can't be a duplicate of itself.")})
    with transaction.atomic():
        rows = {
            row.pk: row
            for row in Thread.objects.select_for_update()
            .filter(pk__in=[thread.pk, original.pk])
            .order_by("pk")
        }
        if thread.pk not in rows or original.pk not in rows:
            raise ValidationError({"of": _("There is no question with that id.")})
        dup, into = rows[thread.pk], rows[original.pk]
        if into.is_hidden:
            raise ValidationError({"of": _("That question is hidden: choose one readers can see.")})
        if _leads_back(into, dup.pk):
            raise ValidationError(
                {
                    "of": _(
                        "That question is itself closed as a duplicate of this one: "
                        "readers would go round in circles."
                    )
                }
            )
        if dup.duplicate_of_id == into.pk:
            return dup
        Thread.objects.filter(pk=dup.pk).update(duplicate_of=into, is_locked=True)
        dup.duplicate_of, dup.is_locked = into, True
        events.thread_marked_duplicate.send(
            sender=Thread,
            thread_id=dup.pk,
            original_id=into.pk,
            author_id=dup.author_id,
            actor_id=actor.pk,
        )
        events.thread_updated.send(
            sender=Thread, thread_id=dup.pk, actor_id=actor.pk, revision_id=None
        )
    thread.duplicate_of, thread.is_locked = into, True
    return dup


def thread_reopen_duplicate(*, thread: Thread, actor: Member) -> Thread:
    """Undo a duplicate: the thread no longer points elsewhere and takes answers again.

    Raises PermissionDenied (not a moderator) and Conflict (not closed as a duplicate).
    """
    if not permissions.can_reopen_duplicate(actor):
        raise PermissionDenied(_("Only moderators can reopen a question closed as a duplicate."))
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if locked.duplicate_of_id is None:
            raise Conflict(_("This question is not closed as a duplicate."))
        Thread.objects.filter(pk=locked.pk).update(duplicate_of=None, is_locked=False)
        events.thread_updated.send(
            sender=Thread, thread_id=locked.pk, actor_id=actor.pk, revision_id=None
        )
    thread.duplicate_of, thread.is_locked = None, False
    return thread
