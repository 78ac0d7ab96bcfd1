"""Live announcements: open home and board pages hear when staff post, edit, unpin or delete
one, and fetch their banner again (static/js/live.js). /ws/announcements/ is for everyone,
visitors included: announcements are public, and the event carries only ids.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from community import events as community
from community.models import Board
from notifications.consumers import LayerTolerantConsumer
from notifications.realtime import send_event_on_commit

ANNOUNCEMENTS_GROUP = "announcements"


@receiver(community.announcement_changed, dispatch_uid="notifications.announcement_changed")
def announcement_changed(*, announcement_id: int, board_id: int | None, **kwargs: Any) -> None:
    board = None
    if board_id is not None:
        board = Board.objects.filter(pk=board_id).values_list("slug", flat=True).first()
    send_event_on_commit(
        ANNOUNCEMENTS_GROUP,
        {
            "type": "announcement.event",
            "event": {"type": "announcement.changed", "id": announcement_id, "board": board},
        },
    )


class AnnouncementConsumer(LayerTolerantConsumer):
    """Tells every open page that an announcement changed; the page asks for its banner."""

    async def connect(self) -> None:
        # Joined before the client sees the socket open, so it misses no event after that.
        await self.join(ANNOUNCEMENTS_GROUP)
        await self.accept()

    async def announcement_event(self, event: dict[str, Any]) -> None:
        await self.send_json(event["event"])
