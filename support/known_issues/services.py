"""Writing known issues: open, edit, resolve, post updates, "I have this too", link questions.

Each write announces support.events.known_issue_changed inside its transaction; the
notifications app hears it and, in the same transaction, tells subscribers of an update
and everyone affected of the resolution (in bulk), and records the `known_issue.updated`
webhook. Visitors' stored pages of the lists and of the linked questions are dropped
after commit (a question that only matches an issue's title may show the old banner for
the page cache's minute).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from community import pagecache
from community.errors import Conflict
from community.markdown import render_markdown
from community.models import Board, Member, Tag, Thread
from support import events
from support.known_issues import selectors
from support.known_issues.models import (
    KnownIssue,
    KnownIssueMeToo,
    KnownIssueSavedEscalation,
    KnownIssueStatus,
    KnownIssueThread,
    KnownIssueUpdate,
    TrendingAlert,
)

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MAX = 20000


def _staff_check(actor: Member) -> None:
    if not selectors.viewer_is_known_issue_staff(actor):
        raise PermissionDenied(_("Only agents and moderators can manage known issues."))


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if not TITLE_MIN <= len(title) <= TITLE_MAX:
        raise ValidationError(
            {
                "title": [
                    _("Give the known issue a title of %(min)d to %(max)d characters.")
                    % {"min": TITLE_MIN, "max": TITLE_MAX}
                ]
            }
        )
    return title


def _clean_body(body: str, field: str) -> str:
    body = body.strip()
    if len(body) > BODY_MAX:
        raise ValidationError({field: [_("Keep it under %(max)d characters.") % {"max": BODY_MAX}]})
    return body


def _html(body: str) -> str:
    # Staff write it: links and images allowed; nh3 sanitizes as for every member's text.
    return render_markdown(body).html if body else ""


def _changed(issue: KnownIssue, actor: Member | None, changes: list[str], **extra: int) -> None:
    events.known_issue_changed.send(
        sender=KnownIssue,
        known_issue_id=issue.pk,
        actor_id=actor.pk if actor else None,
        changes=changes,
        update_id=extra.get("update_id"),
    )


def _pages_changed(issue: KnownIssue) -> None:
    """Visitors' stored lists and linked questions show the issue: drop them on commit. The
    banners' scope goes too: questions whose titles match an open issue show it, and the
    open issues' titles are kept under it (selectors.known_issues_open_titles)."""
    thread_ids = KnownIssueThread.objects.filter(known_issue=issue).values_list(
        "thread_id", flat=True
    )
    pagecache.bump_on_commit(
        pagecache.LISTS,
        pagecache.ANNOUNCEMENTS,
        *(pagecache.thread_scope(t) for t in thread_ids),
    )


def known_issue_create(
    *,
    actor: Member,
    title: str,
    description: str = "",
    boards: Sequence[Board] = (),
    tags: Sequence[Tag] = (),
    from_alert: TrendingAlert | None = None,
) -> KnownIssue:
    """Open a known issue (status "investigating"). From a trending alert, the alert's board
    or tag joins the issue's boards or tags."""
    _staff_check(actor)
    title = _clean_title(title)
    description = _clean_body(description, "description")
    boards, tags = list(boards), list(tags)
    if from_alert is not None:
        if from_alert.board is not None and from_alert.board not in boards:
            boards.append(from_alert.board)
        if from_alert.tag is not None and from_alert.tag not in tags:
            tags.append(from_alert.tag)
    now = timezone.now()
    with transaction.atomic():
        issue = KnownIssue.objects.create(
            title=title,
            description=description,
            description_html=_html(description),
            from_alert=from_alert,
            created_by=actor,
            created_at=now,
            updated_at=now,
        )
        issue.boards.set(boards)
        issue.tags.set(tags)
        _changed(issue, actor, ["created"])
        _pages_changed(issue)
    return issue


def known_issue_edit(
    *,
    known_issue: KnownIssue,
    actor: Member,
    title: str | None = None,
    description: str | None = None,
    status: str | None = None,
    boards: Sequence[Board] | None = None,
    tags: Sequence[Tag] | None = None,
) -> KnownIssue:
    """Change what staff say about the issue. Resolving it stamps `resolved_at` (and tells
    every subscriber and every asker of a linked question, through the notifications app);
    reopening it clears the stamp. Unchanged values change nothing and announce nothing."""
    _staff_check(actor)
    if status is not None and status not in KnownIssueStatus.values:
        raise ValidationError({"status": [_("Not a known issue status.")]})
    with transaction.atomic():
        issue = KnownIssue.objects.select_for_update().get(pk=known_issue.pk)
        changes: list[str] = []
        if title is not None and (title := _clean_title(title)) != issue.title:
            issue.title = title
            changes.append("title")
        if description is not None:
            description = _clean_body(description, "description")
            if description != issue.description:
                issue.description = description
                issue.description_html = _html(description)
                changes.append("description")
        if status is not None and status != issue.status:
            issue.status = status
            issue.resolved_at = timezone.now() if status == KnownIssueStatus.RESOLVED else None
            changes.append("status")
        if boards is not None and {b.pk for b in boards} != set(
            issue.boards.values_list("pk", flat=True)
        ):
            issue.boards.set(boards)
            changes.append("boards")
        if tags is not None and {t.pk for t in tags} != set(
            issue.tags.values_list("pk", flat=True)
        ):
            issue.tags.set(tags)
            changes.append("tags")
        if changes:
            issue.updated_at = timezone.now()
            issue.save()
            _changed(issue, actor, changes)
            _pages_changed(issue)
    return issue


def known_issue_update_post(
    *, known_issue: KnownIssue, actor: Member, body: str
) -> KnownIssueUpdate:
    """A dated public update; its subscribers are told (notifications)."""
    _staff_check(actor)
    body = _clean_body(body, "body")
    if not body:
        raise ValidationError({"body": [_("Write the update.")]})
    with transaction.atomic():
        issue = KnownIssue.objects.select_for_update().get(pk=known_issue.pk)
        now = timezone.now()
        update = KnownIssueUpdate.objects.create(
            known_issue=issue,
            body=body,
            body_html=_html(body),
            status=issue.status,
            author=actor,
            created_at=now,
        )
        KnownIssue.objects.filter(pk=issue.pk).update(updated_at=now)
        _changed(issue, actor, ["update"], update_id=update.pk)
        _pages_changed(issue)
    return update


def known_issue_me_too(*, known_issue: KnownIssue, member: Member) -> bool:
    """ "I have this too": the member counts once and follows the issue. True when new.

    Idempotent under concurrent clicks: the unique (issue, member) row decides, and the
    count moves only for the insert that won."""
    if not member.is_active:
        raise PermissionDenied(_("Your account is not active."))
    if not known_issue.is_open:
        raise Conflict(_("This known issue is resolved."))
    try:
        with transaction.atomic():
            KnownIssueMeToo.objects.create(known_issue=known_issue, member=member)
            KnownIssue.objects.filter(pk=known_issue.pk).update(me_too_count=F("me_too_count") + 1)
            _changed(known_issue, member, ["me_too"])
    except IntegrityError:
        return False
    return True


def known_issue_me_too_withdraw(*, known_issue: KnownIssue, member: Member) -> bool:
    """Take back "I have this too" (and stop following). True when there was one."""
    with transaction.atomic():
        deleted, _rows = KnownIssueMeToo.objects.filter(
            known_issue=known_issue, member=member
        ).delete()
        if deleted:
            KnownIssue.objects.filter(pk=known_issue.pk, me_too_count__gt=0).update(
                me_too_count=F("me_too_count") - 1
            )
            _changed(known_issue, member, ["me_too"])
    return bool(deleted)


def known_issue_thread_link(*, known_issue: KnownIssue, thread: Thread, actor: Member) -> bool:
    """Staff link a question to the issue (moving it from another issue if it had one).
    True when the link is new, False when it was linked to this issue already."""
    _staff_check(actor)
    with transaction.atomic():
        link = KnownIssueThread.objects.select_for_update().filter(thread=thread).first()
        if link is not None and link.known_issue_id == known_issue.pk:
            return False
        if link is not None:
            link.known_issue = known_issue
            link.linked_by = actor
            link.created_at = timezone.now()
            link.save()
        else:
            _link_create(known_issue=known_issue, thread=thread, actor=actor)
        _changed(known_issue, actor, ["threads"])
        pagecache.thread_changed(thread.pk)
    return True


def _link_create(*, known_issue: KnownIssue, thread: Thread, actor: Member | None) -> bool:
    """Insert the link unless the question has one (a concurrent link wins): True if made."""
    try:
        with transaction.atomic():
            KnownIssueThread.objects.create(thread=thread, known_issue=known_issue, linked_by=actor)
    except IntegrityError:
        return False
    return True


def known_issue_thread_unlink(*, known_issue: KnownIssue, thread: Thread, actor: Member) -> None:
    _staff_check(actor)
    with transaction.atomic():
        deleted, _rows = KnownIssueThread.objects.filter(
            known_issue=known_issue, thread=thread
        ).delete()
        if not deleted:
            raise ValidationError({"thread": [_("This question is not linked to the issue.")]})
        _changed(known_issue, actor, ["threads"])
        pagecache.thread_changed(thread.pk)


def known_issue_auto_link(*, thread_id: int) -> KnownIssue | None:
    """A new question whose title matches an open known issue in its scope joins it.

    Called inside the question's transaction (support's receiver of thread_created); the
    asker will hear of the resolution, and the SLA scan leaves the question to the issue.
    """
    thread = Thread.objects.prefetch_related("tags").filter(pk=thread_id).first()
    if thread is None or thread.is_hidden:
        return None
    issue = selectors.known_issue_for_new_thread(thread=thread)
    if issue is None or not _link_create(known_issue=issue, thread=thread, actor=None):
        return None
    _changed(issue, None, ["threads"])
    return issue


def known_issue_escalations_saved_record(*, held: Sequence[tuple[int, int]], reason: str) -> int:
    """Record (thread id, known issue id) pairs the SLA scan held back; each question and
    reason once, so a scan every minute counts a question once. One query."""
    rows = [
        KnownIssueSavedEscalation(thread_id=thread_id, known_issue_id=issue_id, reason=reason)
        for thread_id, issue_id in held
    ]
    if not rows:
        return 0
    return len(KnownIssueSavedEscalation.objects.bulk_create(rows, ignore_conflicts=True))


def trending_alert_record(
    *, board_id: int | None, tag_id: int | None, last_hour: int, ratio: float | None
) -> TrendingAlert:
    """Keep the alert staff were sent, so a known issue can be opened from it (from_alert)."""
    return TrendingAlert.objects.create(
        board_id=board_id, tag_id=tag_id, last_hour=last_hour, ratio=ratio
    )
