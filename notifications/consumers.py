"""Live delivery over WebSockets. Consumers read and forward; they never write.

/ws/notifications/ (the member's own notifications) and /ws/threads/<id>/ (what changes on
an open thread page). A client that was away reconnects with ?since=<last id> and first
receives, in order, everything newer: the database is the truth, pushes are a courtesy.
When the channel layer lives in one process (the embedded default), a notification created
by the Celery worker can't be pushed to this process, so the socket also looks for new rows
every few seconds (NOTIFICATIONS_POLL_SECONDS; off with Redis).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

from notifications.realtime import member_group, thread_group
from notifications.receivers import AGENTS_GROUP

logger = logging.getLogger(__name__)
UNAUTHENTICATED = 4401
REPLAY_LIMIT = 200


def _language(scope: dict[str, Any]) -> str:
    cookie = scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME)
    candidates = [cookie] if cookie else []
    headers = dict(scope.get("headers") or [])
    accept = headers.get(b"accept-language", b"").decode()
    candidates += [code for code, _q in parse_accept_lang_header(accept)]
    for code in candidates:
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self) -> None:
        self.groups_joined = []
        self.poller: asyncio.Task[None] | None = None
        user = self.scope.get("user")
        await self.accept()
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        self.member_id = user.pk
        self.language = _language(self.scope)
        groups = [member_group(user.pk)]
        if await database_sync_to_async(lambda: user.is_agent)():
            groups.append(AGENTS_GROUP)
        for group in groups:
            try:
                await self.channel_layer.group_add(group, self.channel_name)
                self.groups_joined.append(group)
            except Exception:  # noqa: BLE001 - layer down: replay and polling still deliver
                logger.warning("could not join %s; this socket relies on replay", group)
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            since = int(query.get("since", [""])[0])
        except ValueError:
            since = None
        self.last_id = await self._latest_id() if since is None else since
        if since is not None:
            await self._send_newer()
        poll = settings.NOTIFICATIONS_POLL_SECONDS
        if poll:
            self.poller = asyncio.ensure_future(self._poll(poll))

    async def disconnect(self, code: int) -> None:
        if self.poller:
            self.poller.cancel()
        for group in self.groups_joined:
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Clients only listen; anything they send is ignored."""

    async def _poll(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            await self._send_newer()

    async def notification_new(self, event: dict[str, Any]) -> None:
        if event["id"] > self.last_id:
            await self._send_newer()

    async def notification_read(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "unread", "unread_count": event["unread"]})

    async def queue_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "queue.changed", "case_id": event["case_id"]})

    async def _send_newer(self) -> None:
        for payload in await self._newer_than(self.last_id):
            self.last_id = max(self.last_id, payload["notification"]["id"])
            await self.send_json(payload)

    @database_sync_to_async
    def _latest_id(self) -> int:
        from notifications.models import Notification

        latest = Notification.objects.filter(recipient_id=self.member_id).order_by("-pk").first()
        return latest.pk if latest else 0

    @database_sync_to_async
    def _newer_than(self, last_id: int) -> list[dict[str, Any]]:
        from notifications.messages import message_for
        from notifications.models import Notification
        from notifications.services import unread_count

        rows = list(
            Notification.objects.filter(
                recipient_id=self.member_id, pk__gt=last_id, read_at__isnull=True
            )
            .select_related("actor")
            .order_by("pk")[:REPLAY_LIMIT]
        )
        if not rows:
            return []
        unread = unread_count(member_id=self.member_id)
        with translation.override(self.language):
            return [
                {
                    "type": "notification",
                    "notification": {
                        "id": n.pk,
                        "kind": n.kind,
                        "message": message_for(n),
                        "url": n.url,
                        "created_at": n.created_at.isoformat(),
                    },
                    "unread_count": unread,
                }
                for n in rows
            ]


class ThreadConsumer(AsyncJsonWebsocketConsumer):
    """Changes to one thread for everyone who may see it: new answers, kudos, the solution."""

    async def connect(self) -> None:
        self.group: str | None = None
        thread_id = int(self.scope["url_route"]["kwargs"]["thread_id"])
        await self.accept()
        if not await self._may_see(thread_id):
            await self.close(code=4404)
            return
        self.group = thread_group(thread_id)
        try:
            await self.channel_layer.group_add(self.group, self.channel_name)
        except Exception:  # noqa: BLE001 - layer down: the page still works, just not live
            logger.warning("could not join %s", self.group)

    async def disconnect(self, code: int) -> None:
        if self.group:
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Clients only listen."""

    async def thread_event(self, event: dict[str, Any]) -> None:
        await self.send_json(event["event"])

    @database_sync_to_async
    def _may_see(self, thread_id: int) -> bool:
        from django.http import Http404

        from community import selectors

        try:
            selectors.thread_get_for_viewer(thread_id=thread_id, viewer=self.scope["user"])
        except Http404:
            return False
        return True
