"""Pushing to open sockets, after commit, without ever failing the request.

The database is the truth; a push is a courtesy. If the channel layer is down (Redis
unreachable), the push is logged and dropped, and the client catches up on its next connect
(it asks for everything after the last id it saw).
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def member_group(member_id: int) -> str:
    return f"notifications.{member_id}"


def thread_group(thread_id: int) -> str:
    return f"thread.{thread_id}"


def send_now(group: str, message: dict[str, Any]) -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:  # noqa: BLE001 - any layer failure: log it, never fail the caller
        logger.warning(
            "live push to %s failed; clients will replay on reconnect", group, exc_info=True
        )
        return False
    return True


def send_event_on_commit(group: str, message: dict[str, Any]) -> None:
    """Push `message` to `group` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_now(group, message))
