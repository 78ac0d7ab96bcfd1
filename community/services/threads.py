"""Writing questions (threads): ask, edit, delete, lock, follow, count views."""

from __future__ import annotations

import time
from collections.abc import Sequence

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community import events, extensions, pagecache, permissions
from community.models import Board, HiddenReason, Member, Revision, Subscription, Tag, Thread
from community.services.content import (
    QUESTION_MIN,
    clean_body,
    clean_title,
    mentions_record,
    render,
    resolve_tags,
)
from community.services.limits import posting_limits_check
from community.services.review import review_required
from config.kept import Kept

VIEW_DEDUP_SECONDS = 60 * 60
VIEWS_REMEMBERED = 20_000
_views_counted: Kept[float] = Kept(VIEWS_REMEMBERED)


def thread_create(
    *,
    author: Member,
    board: Board,
    title: str,
    body: str,
    tags: Sequence[str] = (),
    check_limits: bool = True,
) -> Thread:
    """Ask a question. The author follows it.

    `check_limits=False` is for loaders (the demo community, imports), never for members.
    """
    title = clean_title(title)
    body = clean_body(body, minimum=QUESTION_MIN)
    tag_objects = resolve_tags(tags)
    rendered = render(body, author=author)
    with transaction.atomic():
        # Under the author's row lock: concurrent questions of one member take turns.
        if check_limits:
            posting_limits_check(member=author, kind="thread", body=body)
        # A new member's first questions wait for a moderator, unannounced (review.py).
        pending = review_required(member=author)
        now = timezone.now()
        thread = Thread.objects.create(
            board=board,
            author=author,
            title=title,
            body=body,
            body_html=rendered.html,
            body_text=rendered.text,
            created_at=now,
            last_activity_at=now,
            hidden_reason=HiddenReason.PENDING_REVIEW if pending else "",
        )
        if tag_objects:
            thread.tags.set(tag_objects)
            Tag.objects.filter(pk__in=[t.pk for t in tag_objects]).update(
                thread_count=F("thread_count") + 1
            )
        Board.objects.filter(pk=board.pk).update(
            thread_count=F("thread_count") + 1, **({} if pending else {"last_activity_at": now})
        )
        Subscription.objects.get_or_create(member=author, thread=thread)
        mentions_record(rendered=rendered, thread=thread, post=None, actor=author)
        if pending:
            return thread
        extensions.content_checks_run(thread_id=thread.pk, actor_id=author.pk)
        events.thread_created.send(
            sender=Thread, thread_id=thread.pk, board_id=board.pk, actor_id=author.pk
        )
    return thread


def thread_update(
    *,
    thread: Thread,
    editor: Member,
    title: str | None = None,
    body: str | None = None,
    tags: Sequence[str] | None = None,
) -> Thread:
    """Edit a question, keeping a revision of what changed. Nothing changed: no revision."""
    if not (
        permissions.can_edit_thread(editor, thread)
        or (title is None and body is None and permissions.can_retag_thread(editor, thread))
    ):
        raise PermissionDenied(_("You can't edit this question."))
    if tags is not None and not permissions.can_retag_thread(editor, thread):
        raise PermissionDenied(_("You can't change the tags of this question."))
    new_title = clean_title(title) if title is not None else thread.title
    new_body = clean_body(body, minimum=QUESTION_MIN) if body is not None else thread.body
    old_tags = sorted(t.slug for t in thread.tags.all())
    new_tag_objects = resolve_tags(tags) if tags is not None else None
    new_tags = sorted(t.slug for t in new_tag_objects) if new_tag_objects is not None else old_tags
    if new_title == thread.title and new_body == thread.body and new_tags == old_tags:
        return thread
    rendered = render(new_body, author=editor)
    with transaction.atomic():
        revision = Revision.objects.create(
            thread=thread,
            editor=editor,
            title_before=thread.title,
            title_after=new_title,
            body_before=thread.body,
            body_after=new_body,
            tags_before=", ".join(old_tags),
            tags_after=", ".join(new_tags),
        )
        thread.title = new_title
        thread.body = new_body
        thread.body_html = rendered.html
        thread.body_text = rendered.text
        thread.edited_at = revision.created_at
        thread.save(update_fields=["title", "body", "body_html", "body_text", "edited_at"])
        if new_tag_objects is not None and new_tags != old_tags:
            removed = set(old_tags) - set(new_tags)
            added = set(new_tags) - set(old_tags)
            thread.tags.set(new_tag_objects)
            Tag.objects.filter(slug__in=removed).update(thread_count=F("thread_count") - 1)
            Tag.objects.filter(slug__in=added).update(thread_count=F("thread_count") + 1)
        mentions_record(rendered=rendered, thread=thread, post=None, actor=editor)
        extensions.content_checks_run(
            thread_id=thread.pk, actor_id=editor.pk, revision_id=revision.pk
        )
        events.thread_updated.send(
            sender=Thread, thread_id=thread.pk, actor_id=editor.pk, revision_id=revision.pk
        )
    return thread


def thread_delete(*, thread: Thread, actor: Member) -> None:
    """Delete a question: its author while it has no answers, or a moderator."""
    with transaction.atomic():
        # Decide on the locked row, not on the caller's copy: an answer posted since the
        # asker loaded the page must stop the asker from deleting it with the question.
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        # An answer held from view is not in the count but is someone's work all the same.
        allowed = permissions.can_delete_thread(actor, locked) and (
            actor.has_perm("community.delete_any_content") or not locked.posts.exists()
        )
        if not allowed:
            if actor.pk == locked.author_id:
                raise PermissionDenied(
                    _("This question has answers, so it can't be deleted. Edit it instead.")
                )
            raise PermissionDenied(_("You can't delete this question."))
        tag_ids = list(locked.tags.values_list("pk", flat=True))
        Board.objects.filter(pk=locked.board_id).update(
            thread_count=F("thread_count") - 1,
            answer_count=F("answer_count") - locked.answer_count,
            solved_count=F("solved_count") - (1 if locked.solution_id else 0),
        )
        Tag.objects.filter(pk__in=tag_ids).update(thread_count=F("thread_count") - 1)
        events.thread_deleted.send(
            sender=Thread,
            thread_id=locked.pk,
            board_id=locked.board_id,
            author_id=locked.author_id,
            actor_id=actor.pk,
        )
        locked.delete()


def thread_lock(*, thread: Thread, actor: Member, locked: bool) -> Thread:
    """Lock (no new answers) or unlock a thread."""
    if not permissions.can_lock_thread(actor):
        raise PermissionDenied(_("Only moderators can lock or unlock threads."))
    with transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(is_locked=locked)
        thread.is_locked = locked
        events.thread_updated.send(
            sender=Thread, thread_id=thread.pk, actor_id=actor.pk, revision_id=None
        )
    return thread


def thread_mark_escalated(*, thread_id: int, escalated: bool) -> None:
    """Support calls this when a case about the thread opens or closes."""
    Thread.objects.filter(pk=thread_id).update(is_escalated=escalated)
    # The page shows "An agent is on it"; no event announces this change.
    pagecache.thread_changed(thread_id)


def subscription_create(*, member: Member, thread: Thread) -> bool:
    """Follow a thread; True if this is new."""
    try:
        with transaction.atomic():
            _sub, created = Subscription.objects.get_or_create(member=member, thread=thread)
    except IntegrityError:  # a concurrent follow won the race: the member follows
        return False
    return created


def subscription_delete(*, member: Member, thread: Thread) -> bool:
    """Unfollow a thread; True if the member was following it."""
    deleted, _details = Subscription.objects.filter(member=member, thread=thread).delete()
    return deleted > 0


def thread_view_record(*, thread: Thread, viewer_key: str) -> bool:
    """Count a view once an hour per viewer (a member id or a session key). True if counted.

    The cache says when the viewer's counted view stops counting; each process remembers it
    (VIEWS_REMEMBERED of them), so a reader who reloads the page, or a crowd refreshing it,
    reads nothing from the cache until then."""
    if not viewer_key:
        return False
    key = pagecache.cache_key("thread-view", str(thread.pk), viewer_key)
    now = time.time()
    until = _views_counted.get(key)
    if until is not None and until > now:
        return False
    until = now + VIEW_DEDUP_SECONDS
    if not cache.add(key, until, VIEW_DEDUP_SECONDS):
        counted = cache.get(key)
        if isinstance(counted, float):  # counted by another process: until then
            _views_counted.put(key, counted)
        return False
    _views_counted.put(key, until)
    Thread.objects.filter(pk=thread.pk).update(view_count=F("view_count") + 1)
    return True
