"""Reads of a member's bookmarks."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from community.models import Bookmark, Member, Thread, with_public_status
from community.permissions import hidden_visible_to
from community.selectors.threads import _authors


def bookmark_list(*, member: Member) -> QuerySet[Thread]:
    """The questions the member bookmarked and may still see, the newest bookmark first.

    A bookmark outlives what happens to its question: hidden by a moderator or held for
    personal data, it stays out of the list (and the API) for everyone who may no longer
    read it, and comes back if the question is restored. Each thread carries
    `bookmarked_at`. A fixed number of queries whatever the page size.
    """
    mine = Bookmark.objects.filter(member_id=member.pk)
    threads = Thread.objects.filter(pk__in=mine.values("thread_id"))
    # As their pages decide: their own, held content for staff, pending ones for moderators.
    threads = threads.filter(Q(hidden_reason="") | hidden_visible_to(member))
    return (
        with_public_status(threads)
        .select_related("board", "author")
        .prefetch_related("tags", _authors)
        .annotate(
            bookmarked_at=Subquery(mine.filter(thread_id=OuterRef("pk")).values("created_at")[:1])
        )
        .order_by("-bookmarked_at", "-pk")
    )
