"""Kudos: a member's thanks for a question or an answer."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from community import events
from community.errors import Conflict
from community.models import REVIEW_REASONS, Kudos, Member, Post, Thread
from community.services.standing import members_lock


def _target(thread: Thread | None, post: Post | None) -> tuple[type[Thread] | type[Post], int, int]:
    if (thread is None) == (post is None):
        raise ValueError("Give exactly one of thread or post.")
    if thread is not None:
        return Thread, thread.pk, thread.author_id
    if post is None:  # unreachable after the check above; narrows the type
        raise ValueError("Give exactly one of thread or post.")
    return Post, post.pk, post.author_id


def kudos_give(
    *, giver: Member, thread: Thread | None = None, post: Post | None = None
) -> tuple[Kudos, bool]:
    """Give kudos once; a second call returns the existing kudos and False.

    The unique constraint decides races: of two concurrent gives, one inserts and the other
    finds the row. The count moves with an UPDATE ... SET n = n + 1, exact under concurrency.
    """
    model, pk, author_id = _target(thread, post)
    if giver.pk == author_id:
        if model is Thread:
            raise PermissionDenied(_("You cannot give kudos to your own question."))
        raise PermissionDenied(_("You cannot give kudos to your own post."))
    lookup = {"thread_id": pk} if model is Thread else {"post_id": pk}
    with transaction.atomic():
        # The receiver's row before the count's: the points (and the daily cap on points
        # from kudos) are decided under it, and member rows come first in every transaction.
        members_lock(author_id)
        # Nothing waiting for review earns thanks (or points) before it is approved.
        if model.objects.filter(pk=pk, hidden_reason__in=REVIEW_REASONS).exists():
            raise Conflict(_("This is waiting for a moderator's review."))
        try:
            with transaction.atomic():
                kudos = Kudos.objects.create(giver=giver, receiver_id=author_id, **lookup)
        except IntegrityError:
            return Kudos.objects.get(giver=giver, **lookup), False
        model.objects.filter(pk=pk).update(kudos_count=F("kudos_count") + 1)
        events.kudos_given.send(
            sender=Kudos,
            kudos_id=kudos.pk,
            thread_id=lookup.get("thread_id"),
            post_id=lookup.get("post_id"),
            receiver_id=author_id,
            actor_id=giver.pk,
        )
    return kudos, True


def kudos_withdraw(
    *, giver: Member, thread: Thread | None = None, post: Post | None = None
) -> bool:
    """Take kudos back; False if there was none to take."""
    model, pk, author_id = _target(thread, post)
    lookup = {"thread_id": pk} if model is Thread else {"post_id": pk}
    with transaction.atomic():
        members_lock(author_id)
        kudos = Kudos.objects.select_for_update().filter(giver=giver, **lookup).first()
        if kudos is None:
            return False
        kudos_id, receiver_id = kudos.pk, kudos.receiver_id
        kudos.delete()
        model.objects.filter(pk=pk, kudos_count__gt=0).update(kudos_count=F("kudos_count") - 1)
        events.kudos_withdrawn.send(
            sender=Kudos,
            kudos_id=kudos_id,
            thread_id=lookup.get("thread_id"),
            post_id=lookup.get("post_id"),
            receiver_id=receiver_id,
            actor_id=giver.pk,
        )
    return True
