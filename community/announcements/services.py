"""Writing announcements: post, edit, unpin, delete (staff), and dismiss (a member).

Every write announces `announcement_changed` inside its transaction: the community forgets
the visitors' cached home and thread pages and the cached list the thread and ask pages read
(community/receivers.py) and open pages are told to fetch their banner again
(notifications), all once the write has committed. A dismissal forgets the member's cached
dismissals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from community import events, permissions
from community.announcements import selectors
from community.announcements.models import Announcement, AnnouncementDismissal
from community.models import Board, Member
from community.services.content import render

TITLE_MIN, TITLE_MAX = 5, 150
BODY_MIN, BODY_MAX = 10, 5000


class _Keep:
    """A field PATCH leaves as it is (None means "no board" or "no end", so it can't)."""


KEEP: Final = _Keep()


def _check_staff(actor: Member) -> None:
    if not permissions.can_manage_announcements(actor):
        raise PermissionDenied(_("Only staff post and change announcements."))


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) < TITLE_MIN:
        raise ValidationError(
            {"title": _("Make the title at least %(n)d characters.") % {"n": TITLE_MIN}}
        )
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("Keep the title to %(n)d characters at most.") % {"n": TITLE_MAX}}
        )
    return title


def _clean_body(body: str) -> str:
    body = body.strip()
    if len(body) < BODY_MIN:
        raise ValidationError({"body": _("Write at least %(n)d characters.") % {"n": BODY_MIN}})
    if len(body) > BODY_MAX:
        raise ValidationError({"body": _("Keep it to %(n)d characters at most.") % {"n": BODY_MAX}})
    return body


def _announce(announcement: Announcement, *, board_id: int | None, actor: Member) -> None:
    events.announcement_changed.send(
        sender=Announcement, announcement_id=announcement.pk, board_id=board_id, actor_id=actor.pk
    )


def announcement_create(
    *,
    actor: Member,
    title: str,
    body: str,
    board: Board | None = None,
    pinned_until: datetime | None = None,
) -> Announcement:
    """Pin a notice site-wide (no board) or to a board, until `pinned_until` (None: until
    unpinned). A `pinned_until` that has already passed would never show: a 400."""
    _check_staff(actor)
    title = _clean_title(title)
    body = _clean_body(body)
    now = timezone.now()
    if pinned_until is not None and pinned_until <= now:
        raise ValidationError(
            {"pinned_until": _("Choose a moment in the future, or leave it empty.")}
        )
    rendered = render(body, author=actor)
    with transaction.atomic():
        announcement = Announcement.objects.create(
            title=title,
            body=body,
            body_html=rendered.html,
            board=board,
            author=actor,
            pinned_until=pinned_until,
            created_at=now,
            updated_at=now,
        )
        _announce(announcement, board_id=announcement.board_id, actor=actor)
    return announcement


def announcement_update(
    *,
    actor: Member,
    announcement: Announcement,
    title: str | None = None,
    body: str | None = None,
    board: Board | None | _Keep = KEEP,
    pinned_until: datetime | None | _Keep = KEEP,
) -> Announcement:
    """Edit what is given. A `pinned_until` that has passed unpins it from then on."""
    _check_staff(actor)
    title = None if title is None else _clean_title(title)
    body = None if body is None else _clean_body(body)
    rendered = None if body is None else render(body, author=actor)
    with transaction.atomic():
        locked = Announcement.objects.select_for_update().get(pk=announcement.pk)
        board_before = locked.board_id
        if title is not None:
            locked.title = title
        if body is not None and rendered is not None:
            locked.body = body
            locked.body_html = rendered.html
        if not isinstance(board, _Keep):
            locked.board = board
        if not isinstance(pinned_until, _Keep):
            locked.pinned_until = pinned_until
        locked.updated_at = timezone.now()
        locked.save()
        _announce(locked, board_id=locked.board_id, actor=actor)
        if board_before != locked.board_id:  # it left the other board's pages too
            _announce(locked, board_id=board_before, actor=actor)
    return locked


def announcement_unpin(*, actor: Member, announcement: Announcement) -> Announcement:
    """Take it off the top of the pages now; its own page stays."""
    return announcement_update(actor=actor, announcement=announcement, pinned_until=timezone.now())


def announcement_delete(*, actor: Member, announcement: Announcement) -> None:
    _check_staff(actor)
    with transaction.atomic():
        board_id = announcement.board_id
        pk = announcement.pk
        Announcement.objects.filter(pk=pk).delete()
        events.announcement_changed.send(
            sender=Announcement, announcement_id=pk, board_id=board_id, actor_id=actor.pk
        )


def announcement_dismiss(*, member: Member, announcement: Announcement) -> bool:
    """The member no longer sees it at the top of their pages; False if they already had
    dismissed it. The unique constraint makes two clicks at once one dismissal."""
    try:
        with transaction.atomic():
            AnnouncementDismissal.objects.create(member=member, announcement=announcement)
            # Their pages read their dismissals again (the cached ones) once this commits.
            key = selectors.dismissals_cache_key(member_id=member.pk)
            transaction.on_commit(lambda: cache.delete(key))
    except IntegrityError:
        return False
    return True
