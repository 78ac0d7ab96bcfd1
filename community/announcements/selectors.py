"""Reading announcements: what a page shows at its top, one announcement, and staff's list.

The thread and ask pages take theirs from the cache (`announcements_shown`), so showing
announcements there costs no query once the list is kept: the pinned announcements of every
board and the site, and each member's dismissals among them, are kept under the version of
the `announcements` scope (community/pagecache.py), which every announcement change replaces
on commit; a dismissal forgets that member's. What no event announces (a pinned time that
passes) is filtered when read; an edit in the admin, which announces nothing, shows within
CACHED_SECONDS.
"""

from __future__ import annotations

from datetime import datetime

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import BaseExpression
from django.http import Http404
from django.utils import timezone

from community import pagecache
from community.announcements.models import Announcement, AnnouncementDismissal
from community.models import Board
from community.permissions import Viewer

# More than this at once is a wall nobody reads; the newest are shown.
SHOWN_AT_MOST = 5
# The cached list: every pinned announcement, site-wide and each board's (a handful in
# practice; past this many the newest are kept).
CACHED_AT_MOST = 200
CACHED_SECONDS = 300


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


def _cache_key(*parts: str) -> str:
    version = pagecache.scope_version(pagecache.ANNOUNCEMENTS)
    return pagecache.cache_key("announcements", version, *parts)


def _pinned_everywhere() -> list[Announcement]:
    return pagecache.shared(
        _cache_key("pinned"),
        CACHED_SECONDS,
        lambda: list(
            Announcement.objects.filter(pinned_now())
            .select_related("board")
            .order_by("-created_at", "-pk")[:CACHED_AT_MOST]
        ),
    )


# Whether the member ever dismissed an announcement: most never have, and their pages then
# need not read their dismissals. The member's read brings it along
# (community.managers.bring_along, registered in CommunityConfig.ready).
DISMISSED_BROUGHT = "announcements_dismissed_any"


def dismissed_expression() -> BaseExpression:
    """Whether the member whose row is being read has dismissed an announcement."""
    return Exists(AnnouncementDismissal.objects.filter(member=OuterRef("pk")))


def _dismissed(member_id: int, pinned: list[Announcement]) -> set[int]:
    key = dismissals_cache_key(member_id=member_id)
    found: set[int] | None = cache.get(key)
    if found is None:
        found = set(
            AnnouncementDismissal.objects.filter(
                member_id=member_id, announcement_id__in=[a.pk for a in pinned]
            ).values_list("announcement_id", flat=True)
        )
        cache.set(key, found, CACHED_SECONDS)
    return found


def announcements_shown(
    *, board: Board | None = None, viewer: Viewer | None = None, limit: int = SHOWN_AT_MOST
) -> list[Announcement]:
    """What `announcements_pinned` gives, from the cache: no query once the list (shared by
    everyone) and the viewer's dismissals are kept, none for dismissals when nothing is
    pinned or the viewer never dismissed one."""
    now = timezone.now()
    pinned = [a for a in _pinned_everywhere() if a.is_pinned(now=now)]
    board_id = board.pk if board is not None else None
    shown = [a for a in pinned if a.board_id is None or a.board_id == board_id]
    # A member whose read brought along that they never dismissed one is not asked; one read
    # another way is.
    if (
        shown
        and viewer is not None
        and viewer.is_authenticated
        and getattr(viewer, DISMISSED_BROUGHT, True)
    ):
        dismissed = _dismissed(viewer.pk, pinned)
        shown = [a for a in shown if a.pk not in dismissed]
    return shown[:limit]


def dismissals_cache_key(*, member_id: int) -> str:
    """Where the member's dismissals are kept: a dismissal deletes it (services)."""
    return _cache_key("dismissed", str(member_id))
