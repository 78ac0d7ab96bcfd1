"""Live delivery over WebSockets. Consumers read and forward; they never write.

/ws/notifications/ (the member's own notifications) and /ws/threads/<id>/ (what changes on
an open thread page). A client that was away reconnects with ?since=<last id> and first
receives, in order, everything newer: the database is the truth, pushes are a courtesy.
Then, on every connect, {"type": "unread", "unread_count": n, "last_id": id} tells the
client its badge count and the cursor to send as ?since= next time.
A socket is in its groups before the handshake completes, so once the client sees it open,
no push can slip past it.
When the channel layer lives in one process (the embedded default), a notification created
by the Celery worker can't be pushed to this process, so the socket also looks for new rows
every few seconds (NOTIFICATIONS_POLL_SECONDS; off with Redis).

Redis may go away while sockets are open. Channels' own consumer loop would then die with
the layer's first error and drop the socket; ours keeps the socket, logs once, retries the
layer with back-off (re-joining its groups), and the notification socket polls the database
meanwhile, so members still hear of new notifications, only a few seconds later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import (
    get_supported_language_variant,
    parse_accept_lang_header,
)

from community.second_factor import second_factor_missing
from notifications.realtime import member_group, thread_group
from notifications.receivers import AGENTS_GROUP

logger = logging.getLogger(__name__)
UNAUTHENTICATED = 4401
NOT_FOUND = 4404
REPLAY_LIMIT = 200
# How often a notification socket reads the database while the channel layer is down.
LAYER_DOWN_POLL_SECONDS = 5.0
# Back-off between attempts to reach the channel layer again: 1 s doubling to this.
LAYER_RETRY_MAX_SECONDS = 30.0
LAYER_WARNING_SECONDS = 60.0


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


_last_layer_warning = -LAYER_WARNING_SECONDS


def _warn_layer_down(what: str) -> None:
    """One warning per process and outage window, not one per open socket."""
    global _last_layer_warning
    now = time.monotonic()
    if now - _last_layer_warning >= LAYER_WARNING_SECONDS:
        _last_layer_warning = now
        logger.warning("channel layer unreachable (%s); sockets fall back", what, exc_info=True)
    else:
        logger.debug("channel layer unreachable (%s)", what)


class LayerTolerantConsumer(AsyncJsonWebsocketConsumer):
    """A JSON socket that outlives its channel layer's outages.

    Subclasses join groups with `join()`; the groups a failed layer couldn't take are joined
    again once it answers. `layer_lost()` and `layer_back()` let a subclass fill the gap.
    """

    groups_wanted: list[str]
    groups_joined: set[str]
    layer_ok: bool

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # channels.consumer.AsyncConsumer.__call__, with the layer's receive made tolerant:
        # theirs ends the whole consumer on the layer's first error.
        self.scope = scope
        self.groups_wanted, self.groups_joined, self.layer_ok = [], set(), True
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.base_send = send
        sources = [receive]
        if self.channel_layer is not None:
            try:
                self.channel_name = await self.channel_layer.new_channel()
            except Exception:  # noqa: BLE001 - as in _join_missing()
                # The pub/sub layer subscribes to the socket's own channel here; while Redis
                # is down, a name of its own form, subscribed on the first receive that works.
                self.channel_name = f"{self.channel_layer.prefix}specific.{uuid.uuid4().hex}"
            sources.append(self._layer_receive)
        with contextlib.suppress(StopConsumer):
            await await_many_dispatch(sources, self.dispatch)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # channels.consumer.AsyncConsumer.dispatch, without its `aclose_old_connections()`
        # before every message: a hop to the database thread, one after another for every
        # socket a push reaches (500 a process for an outage's question). These consumers
        # reach the database only through database_sync_to_async, which closes stale
        # connections itself, before and after.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def join(self, group: str) -> None:
        self.groups_wanted.append(group)
        await self._join_missing()

    async def _join_missing(self) -> bool:
        """Join every wanted group not joined yet; False if the layer refused."""
        for group in self.groups_wanted:
            if group in self.groups_joined:
                continue
            try:
                await self.channel_layer.group_add(group, self.channel_name)
            except Exception:  # noqa: BLE001 - any layer failure: the socket carries on
                await self._mark_layer_down(f"could not join {group}")
                return False
            self.groups_joined.add(group)
        return True

    async def _mark_layer_down(self, what: str) -> None:
        if self.layer_ok:
            self.layer_ok = False
            _warn_layer_down(what)
            await self.layer_lost()

    async def _layer_receive(self) -> dict[str, Any]:
        delay = 1.0
        while True:
            if self.layer_ok:
                try:
                    message: dict[str, Any] = await self.channel_layer.receive(self.channel_name)
                except Exception:  # noqa: BLE001 - as above
                    await self._mark_layer_down("receive failed")
                    # A receive that failed may have lost group memberships with the server.
                    self.groups_joined.clear()
                else:
                    return message
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # noqa: S311 - jitter only
            delay = min(delay * 2, LAYER_RETRY_MAX_SECONDS)
            if await self._join_missing():
                self.layer_ok = True
                delay = 1.0
                logger.info("channel layer reachable again")
                await self.layer_back()

    async def layer_lost(self) -> None:
        """The layer stopped answering: pushes won't arrive until layer_back()."""

    async def layer_back(self) -> None:
        """The layer answers again and the socket is back in its groups."""

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        for group in self.groups_joined:
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined.clear()
        await self.disconnect(message.get("code", 1000))
        raise StopConsumer()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Clients only listen; anything they send is ignored."""


class NotificationConsumer(LayerTolerantConsumer):
    """A member's own notifications, for the bell and the toasts."""

    member_id = 0  # set once the socket is a member's
    last_id = 0
    poller: asyncio.Task[None] | None = None
    fallback_poller: asyncio.Task[None] | None = None

    async def connect(self) -> None:
        # The poller and a push may both look for new rows: one at a time, or both send it.
        self.sending = asyncio.Lock()
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept, then close with our code: a refused handshake tells the client nothing.
            await self.accept()
            await self.close(code=UNAUTHENTICATED)
            return
        self.member_id = user.pk
        self.language = _language(self.scope)
        # Groups first: once the client sees the socket open, no push can slip past it.
        await self.join(member_group(user.pk))
        # The agents' queue is staff work: not for an agent without a second factor yet.
        if await database_sync_to_async(
            lambda: user.is_agent and not second_factor_missing(user)
        )():
            await self.join(AGENTS_GROUP)
        await self.accept()
        query = parse_qs(self.scope.get("query_string", b"").decode())
        try:
            since: int | None = max(0, int(query.get("since", [""])[0]))
        except ValueError:
            since = None
        latest = await self._latest_id()
        # A cursor from the future (a reset database, another site) would hide what comes next.
        self.last_id = latest if since is None else min(since, latest)
        if since is not None:
            await self._send_newer()
        # Where the client stands: its badge count, and the cursor for its next ?since=.
        await self.send_json(
            {
                "type": "unread",
                "unread_count": await self._unread_count(),
                "last_id": self.last_id,
            }
        )
        poll = settings.NOTIFICATIONS_POLL_SECONDS
        if poll:
            if self.fallback_poller:  # the layer failed while joining: one poller is enough
                self.fallback_poller.cancel()
                self.fallback_poller = None
            self.poller = asyncio.ensure_future(self._poll(poll))
        elif not self.layer_ok:
            await self.layer_lost()  # it failed before this socket was a member's

    async def disconnect(self, code: int) -> None:
        for task in (self.poller, self.fallback_poller):
            if task is not None:
                task.cancel()

    async def layer_lost(self) -> None:
        if not self.member_id or self.poller or self.fallback_poller:
            return  # not a member's socket (yet), or polling already
        self.fallback_poller = asyncio.ensure_future(self._poll(LAYER_DOWN_POLL_SECONDS))

    async def layer_back(self) -> None:
        if self.fallback_poller:
            self.fallback_poller.cancel()
            self.fallback_poller = None
            await self._send_newer()  # what arrived between the last poll and now

    async def _poll(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            try:
                await self._send_newer()
            except Exception:  # noqa: BLE001 - the database blinked: try again next round
                logger.warning("notification poll failed", exc_info=True)

    async def notification_new(self, event: dict[str, Any]) -> None:
        if event["id"] > self.last_id:
            await self._send_newer()

    async def notification_read(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "unread", "unread_count": event["unread"]})

    async def queue_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "queue.changed", "case_id": event["case_id"]})

    async def _send_newer(self) -> None:
        async with self.sending:
            while True:
                batch = await self._newer_than(self.last_id)
                for payload in batch:
                    self.last_id = max(self.last_id, payload["notification"]["id"])
                    await self.send_json(payload)
                if len(batch) < REPLAY_LIMIT:
                    return

    @database_sync_to_async
    def _latest_id(self) -> int:
        from notifications.models import Notification

        latest = (
            Notification.objects.filter(recipient_id=self.member_id)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        return latest or 0

    @database_sync_to_async
    def _unread_count(self) -> int:
        from notifications.services import unread_count

        return unread_count(member_id=self.member_id)

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


class ThreadConsumer(LayerTolerantConsumer):
    """Changes to one thread for everyone who may see it: new answers, kudos, the solution."""

    async def connect(self) -> None:
        thread_id = int(self.scope["url_route"]["kwargs"]["thread_id"])
        if not await self._may_see(thread_id):
            await self.accept()
            await self.close(code=NOT_FOUND)
            return
        self.viewer_id, self.sees_hidden = await self._viewer()
        # Joined before the client sees the socket open, so it misses no event after that.
        await self.join(thread_group(thread_id))
        await self.accept()

    async def thread_event(self, event: dict[str, Any]) -> None:
        # An event about hidden content names who besides staff may hear of it (its author);
        # everyone else is not even told its id (notifications.receivers._thread_event).
        audience = event.get("audience")
        if audience is not None and not self.sees_hidden and self.viewer_id not in audience:
            return
        await self.send_json(event["event"])

    @database_sync_to_async
    def _viewer(self) -> tuple[int | None, bool]:
        from community import permissions

        user = self.scope["user"]
        member_id = user.pk if user.is_authenticated else None
        # Staff's right to see hidden content; an author's own is checked per event.
        return member_id, permissions.can_see_hidden(user, author_id=-1)

    @database_sync_to_async
    def _may_see(self, thread_id: int) -> bool:
        from django.http import Http404

        from community import selectors

        try:
            selectors.thread_get_for_viewer(thread_id=thread_id, viewer=self.scope["user"])
        except Http404:
            return False
        return True
