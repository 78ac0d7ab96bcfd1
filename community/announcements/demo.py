"""The demo's announcements (`manage.py seed_demo`): a site-wide notice on the home page and
every board, and one pinned to the roaming board for a week. Idempotent: a notice already
there (by title) is left as it is, unpinned or dismissed included."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from community.announcements.models import Announcement
from community.announcements.services import announcement_create
from community.models import Board, Member

DEMO_ANNOUNCEMENTS = [
    (
        None,
        "Planned network maintenance on Sunday night",
        "Between **02:00 and 04:00** on Sunday mobile data may drop for a few minutes at a "
        "time while we upgrade the core network. Calls and texts are not affected, and there "
        "is no need to restart your phone afterwards.",
        None,
    ),
    (
        "roaming",
        "Roaming in the USA: data passes are back",
        "The USA data passes are on sale again in the app (**Add-ons → Roaming**). If one you "
        "bought last week never started, reply on your question and an agent will refund it.",
        timedelta(days=7),
    ),
]


def demo_announcements_ensure() -> None:
    author = Member.objects.filter(username="marco").first()
    if author is None:
        return
    now = timezone.now()
    for board_slug, title, body, pinned_for in DEMO_ANNOUNCEMENTS:
        if Announcement.objects.filter(title=title).exists():
            continue
        board = Board.objects.filter(slug=board_slug).first() if board_slug else None
        if board_slug and board is None:
            continue
        announcement_create(
            actor=author,
            title=title,
            body=body,
            board=board,
            pinned_until=now + pinned_for if pinned_for else None,
        )
