"""Bookmarks: questions a member saves to come back to. Private to the member, no events."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from community.models import Bookmark, Member, Thread


def bookmark_create(*, member: Member, thread: Thread) -> bool:
    """Bookmark a question the member may see (the caller fetched it for them); True if new.

    A double click or two tabs may race: the unique constraint keeps one row, and the
    loser reports "already bookmarked".
    """
    try:
        with transaction.atomic():
            _bookmark, created = Bookmark.objects.get_or_create(member=member, thread=thread)
    except IntegrityError:
        return False
    return created


def bookmark_delete(*, member: Member, thread: Thread) -> bool:
    """Remove a bookmark; True if there was one."""
    deleted, _details = Bookmark.objects.filter(member=member, thread=thread).delete()
    return deleted > 0
