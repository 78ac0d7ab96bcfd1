"""Writing answers: post, edit, delete."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from community import events, extensions, permissions
from community.errors import Conflict
from community.models import Board, HiddenReason, Member, Post, Revision, Subscription, Thread
from community.services.content import ANSWER_MIN, clean_body, mentions_record, render
from community.services.limits import posting_limits_check
from community.services.review import review_required
from community.services.standing import members_lock


def _closed(thread: Thread) -> str:
    if thread.duplicate_of_id is not None:
        return _("This question is closed as a duplicate: answers go to the original.")
    return _("This thread is locked: it takes no new answers.")


def post_create(
    *,
    author: Member,
    thread: Thread,
    body: str,
    check_limits: bool = True,
    hold_for_review: bool | None = None,
) -> Post:
    """Answer a question. The answerer follows the thread.

    `check_limits=False` is for loaders (the demo community, imports), never for members;
    so is `hold_for_review=True`, which holds the answer for review whoever wrote it (by
    default a new member's first answers are held: community.services.review).
    """
    if thread.is_locked:
        raise Conflict(_closed(thread))
    body = clean_body(body, minimum=ANSWER_MIN)
    rendered = render(body, author=author)
    with transaction.atomic():
        # The limits hold the author's row (first, as every write about a member does), so
        # the author's concurrent posts take turns and each sees the ones before it.
        if check_limits:
            posting_limits_check(member=author, kind="post", body=body)
        # A new member's first answers wait for a moderator, unannounced and uncounted
        # (review.py); decided on the author's row, which is locked before the thread.
        pending = hold_for_review or review_required(member=author)
        # The row lock orders concurrent answers and re-checks the lock under it; the time is
        # taken under it too, so answers' times follow the order they were written in. NO KEY:
        # a concurrent follow of the thread (its foreign key check) is not held up, so the
        # answer's own follow below never waits on a follow that waits on this lock.
        locked = Thread.objects.select_for_update(no_key=True).get(pk=thread.pk)
        now = timezone.now()
        if locked.is_locked:
            raise Conflict(_closed(locked))
        post = Post.objects.create(
            thread=locked,
            author=author,
            body=body,
            body_html=rendered.html,
            body_text=rendered.text,
            created_at=now,
            hidden_reason=HiddenReason.PENDING_REVIEW if pending else "",
        )
        if pending:
            Subscription.objects.get_or_create(member=author, thread=locked)
            mentions_record(rendered=rendered, thread=locked, post=post, actor=author)
            return post
        updates = {"answer_count": F("answer_count") + 1, "last_activity_at": now}
        if author.pk != locked.author_id:
            # Time to first answer counts the community's answers, not the asker's follow-ups.
            updates["first_answer_at"] = Coalesce(F("first_answer_at"), now)
        Thread.objects.filter(pk=locked.pk).update(**updates)
        Board.objects.filter(pk=locked.board_id).update(
            answer_count=F("answer_count") + 1, last_activity_at=now
        )
        Subscription.objects.get_or_create(member=author, thread=locked)
        mentions_record(rendered=rendered, thread=locked, post=post, actor=author)
        extensions.content_checks_run(post_id=post.pk, actor_id=author.pk)
        events.post_created.send(
            sender=Post, post_id=post.pk, thread_id=locked.pk, actor_id=author.pk
        )
    thread.refresh_from_db(fields=["answer_count", "last_activity_at", "first_answer_at"])
    return post


def post_update(*, post: Post, editor: Member, body: str) -> Post:
    """Edit an answer, keeping a revision. Nothing changed: no revision."""
    if not permissions.can_edit_post(editor, post):
        raise PermissionDenied(_("You can't edit this answer."))
    body = clean_body(body, minimum=ANSWER_MIN)
    if body == post.body:
        return post
    rendered = render(body, author=editor)
    with transaction.atomic():
        revision = Revision.objects.create(
            post=post, editor=editor, body_before=post.body, body_after=body
        )
        post.body = body
        post.body_html = rendered.html
        post.body_text = rendered.text
        post.edited_at = revision.created_at
        post.save(update_fields=["body", "body_html", "body_text", "edited_at"])
        mentions_record(rendered=rendered, thread=post.thread, post=post, actor=editor)
        extensions.content_checks_run(post_id=post.pk, actor_id=editor.pk, revision_id=revision.pk)
        events.post_updated.send(
            sender=Post,
            post_id=post.pk,
            thread_id=post.thread_id,
            actor_id=editor.pk,
            revision_id=revision.pk,
        )
    return post


def post_delete(*, post: Post, actor: Member) -> None:
    """Delete an answer: its author or a moderator. A deleted solution un-solves the thread."""
    if not permissions.can_delete_post(actor, post):
        raise PermissionDenied(_("You can't delete this answer."))
    with transaction.atomic():
        # The members whose points go back (the answer's author; the asker's too when it was
        # the solution) first, then the thread: the order every write about members keeps.
        asker_id = Thread.objects.filter(pk=post.thread_id).values_list("author_id", flat=True)
        members_lock(post.author_id, asker_id.first())
        thread = Thread.objects.select_for_update(no_key=True).get(pk=post.thread_id)
        # Under the thread lock, so of two deletes of one answer (a double click) only the
        # first counts it off the thread and the board.
        hidden_reason = Post.objects.filter(pk=post.pk).values_list("hidden_reason", flat=True)
        if not hidden_reason:
            return
        # A hidden answer was already off the public counts.
        counted = 0 if hidden_reason[0] else 1
        was_solution = thread.solution_id == post.pk
        if was_solution:
            thread.solution = None
            thread.solved_at = None
            thread.save(update_fields=["solution", "solved_at"])
            events.solution_withdrawn.send(
                sender=Thread, thread_id=thread.pk, post_id=post.pk, actor_id=actor.pk
            )
        Thread.objects.filter(pk=thread.pk).update(answer_count=F("answer_count") - counted)
        Board.objects.filter(pk=thread.board_id).update(
            answer_count=F("answer_count") - counted,
            solved_count=F("solved_count") - (1 if was_solution else 0),
        )
        events.post_deleted.send(
            sender=Post,
            post_id=post.pk,
            thread_id=thread.pk,
            author_id=post.author_id,
            actor_id=actor.pk,
        )
        post.delete()
