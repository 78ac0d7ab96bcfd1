"""Reading announcements: what a page shows at its top, one announcement, and staff's list."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from community.announcements.models import Announcement
from community.models import Board
from community.permissions import Viewer

# More than this at once is a wall nobody reads; the newest are shown.
SHOWN_AT_MOST = 5


def pinned_now(now: datetime | None = None) -> Q:
    """Announcements whose `pinned_until` has not passed on the project's clock."""
    return Q(pinned_until__isnull=True) | Q(pinned_until__gt=now or timezone.now())


def announcements_pinned(
    *, board: Board | None = None, viewer: Viewer | None = None, limit: int = SHOWN_AT_MOST
) -> list[Announcement]:
    """What the top of a page shows, newest first: the site-wide announcements, and on a
    board's page that board's too, less those the viewer dismissed. One query."""
    where = Q(board__isnull=True)
    if board is not None:
        where |= Q(board=board)
    announcements = Announcement.objects.filter(where & pinned_now()).select_related("board")
    if viewer is not None and viewer.is_authenticated:
        announcements = announcements.exclude(dismissals__member_id=viewer.pk)
    return list(announcements.order_by("-created_at", "-pk")[:limit])


def announcement_get(*, announcement_id: int) -> Announcement:
    """One announcement, pinned or not: each has its own page for as long as it exists."""
    found = (
        Announcement.objects.select_related("board", "author").filter(pk=announcement_id).first()
    )
    if found is None:
        raise Http404
    return found


def announcement_list_for_staff() -> QuerySet[Announcement]:
    """Every announcement, newest first, for staff's page."""
    return Announcement.objects.select_related("board").order_by("-created_at", "-pk")
