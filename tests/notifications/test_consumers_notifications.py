"""/ws/notifications/: who may listen, what a reconnecting client catches up on, what is
pushed live, and that listening never writes.

Through the real ASGI application (origin check, session or token, routing) on the
in-memory channel layer. Polling is off unless a test turns it on, so what arrives was
pushed.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from config.asgi import application
from notifications import realtime, services
from notifications.models import Kind, Notification
from notifications.receivers import AGENTS_GROUP
from tests.builders import agent_make, new_member_make
from tests.notifications.inbox_factories import notify_answer
from tests.notifications.live_helpers import (
    closed_with,
    connect,
    in_thread,
    live_socket_tests,
    nothing_more,
    receive,
    receive_until,
    session_cookie_for,
    statements_recorded,
    token_for,
    writes_among,
)

pytestmark = live_socket_tests


@pytest.fixture(autouse=True)
def _no_polling(settings: Any) -> None:
    settings.NOTIFICATIONS_POLL_SECONDS = 0


def is_notification(message: dict[str, Any]) -> bool:
    return bool(message["type"] == "notification")


async def test_an_anonymous_socket_is_closed_with_4401() -> None:
    communicator = await connect("/ws/notifications/")

    assert await closed_with(communicator) == 4401


async def test_an_unknown_token_is_closed_with_4401() -> None:
    communicator = await connect("/ws/notifications/?token=not-a-real-token")

    assert await closed_with(communicator) == 4401


async def test_a_deactivated_members_token_is_closed_with_4401() -> None:
    member = await in_thread(new_member_make)(is_active=False)
    token = await in_thread(token_for)(member)

    communicator = await connect(f"/ws/notifications/?token={token}")

    assert await closed_with(communicator) == 4401


async def test_a_member_signed_in_by_session_hears_where_they_stand() -> None:
    member, other = await in_thread(lambda: (new_member_make(), new_member_make()))()
    notes = await in_thread(lambda: [notify_answer(member, other) for _ in range(2)])()
    cookie = await in_thread(session_cookie_for)(member)

    communicator = await connect("/ws/notifications/", cookie=cookie)

    # Without ?since= nothing is replayed: the client learns its count and its cursor.
    assert await receive(communicator) == {
        "type": "unread",
        "unread_count": 2,
        "last_id": notes[-1].pk,
    }
    assert await nothing_more(communicator)
    await communicator.disconnect()


async def test_a_member_connects_with_an_api_token() -> None:
    member = await in_thread(new_member_make)()
    token = await in_thread(token_for)(member)

    communicator = await connect(f"/ws/notifications/?token={token}")

    assert await receive(communicator) == {"type": "unread", "unread_count": 0, "last_id": 0}
    await communicator.disconnect()


async def test_an_app_that_sends_no_origin_connects_with_its_token() -> None:
    member = await in_thread(new_member_make)()
    token = await in_thread(token_for)(member)
    # Native apps and scripts send no Origin header; browsers always do.
    communicator = WebsocketCommunicator(application, f"/ws/notifications/?token={token}")

    connected, _subprotocol = await communicator.connect(timeout=5)

    assert connected
    assert (await receive(communicator))["type"] == "unread"
    await communicator.disconnect()


async def test_a_page_on_another_site_cannot_use_a_members_cookie() -> None:
    member = await in_thread(new_member_make)()
    cookie = await in_thread(session_cookie_for)(member)
    communicator = WebsocketCommunicator(
        application,
        "/ws/notifications/",
        headers=[(b"origin", b"https://evil.example.com"), (b"cookie", cookie)],
    )

    connected, _subprotocol = await communicator.connect(timeout=5)

    assert connected is False
    await communicator.disconnect()


async def test_since_replays_every_newer_unread_notification_in_order_and_nothing_older() -> None:
    member, other = await in_thread(lambda: (new_member_make(), new_member_make()))()
    notes = await in_thread(lambda: [notify_answer(member, other) for _ in range(5)])()
    # Read on another device in the meantime: no longer news.
    await in_thread(services.notifications_mark_read)(member_id=member.pk, ids=[notes[3].pk])
    token = await in_thread(token_for)(member)

    communicator = await connect(f"/ws/notifications/?token={token}&since={notes[1].pk}")

    hello, replayed = await receive_until(communicator, lambda m: m["type"] == "unread")
    assert [m["notification"]["id"] for m in replayed] == [notes[2].pk, notes[4].pk]
    first = replayed[0]
    assert first["type"] == "notification"
    assert first["unread_count"] == 4
    assert set(first["notification"]) == {"id", "kind", "message", "url", "created_at"}
    assert first["notification"]["kind"] == Kind.ANSWER
    assert other.name in first["notification"]["message"]
    assert hello == {"type": "unread", "unread_count": 4, "last_id": notes[4].pk}
    await communicator.disconnect()


async def test_replay_speaks_the_language_the_browser_asks_for() -> None:
    member, other = await in_thread(lambda: (new_member_make(), new_member_make()))()
    note = await in_thread(notify_answer)(member, other, title="Roaming")
    token = await in_thread(token_for)(member)

    def italian_message() -> str:
        from django.utils import translation

        from notifications.messages import message_for

        with translation.override("it"):
            return message_for(Notification.objects.select_related("actor").get(pk=note.pk))

    communicator = await connect(
        f"/ws/notifications/?token={token}&since=0",
        headers=[(b"accept-language", b"it-IT,it;q=0.9,en;q=0.5")],
    )

    message = await receive(communicator)
    assert message["notification"]["message"] == await in_thread(italian_message)()
    await communicator.disconnect()


async def test_a_cursor_from_the_future_does_not_hide_what_comes_next() -> None:
    member, other = await in_thread(lambda: (new_member_make(), new_member_make()))()
    token = await in_thread(token_for)(member)
    communicator = await connect(f"/ws/notifications/?token={token}&since=999999999")
    await receive_until(communicator, lambda m: m["type"] == "unread")

    note = await in_thread(notify_answer)(member, other)

    message = await receive(communicator)
    assert message["notification"]["id"] == note.pk
    await communicator.disconnect()


async def test_a_new_notification_is_pushed_after_commit() -> None:
    member, other = await in_thread(lambda: (new_member_make(), new_member_make()))()
    token = await in_thread(token_for)(member)
    communicator = await connect(f"/ws/notifications/?token={token}")
    await receive(communicator)  # where they stand

    note = await in_thread(notify_answer)(member, other, title="Voicemail")

    message = await receive(communicator)
    assert message["type"] == "notification"
    assert message["notification"]["id"] == note.pk
    assert "Voicemail" in message["notification"]["message"]
    assert message["unread_count"] == 1
    await communicator.disconnect()


async def test_nothing_is_pushed_for_a_transaction_that_rolls_back() -> None:
    member, other = await in_thread(lambda: (new_member_make(), new_member_make()))()
    token = await in_thread(token_for)(member)
    communicator = await connect(f"/ws/notifications/?token={token}")
    await receive(communicator)

    def notify_then_roll_back() -> None:
        from django.db import transaction

        class Undo(Exception):
            pass

        try:
            with transaction.atomic():
                notify_answer(member, other)
                raise Undo
        except Undo:
            pass

    await in_thread(notify_then_roll_back)()

    assert await nothing_more(communicator)
    assert await sync_to_async(Notification.objects.filter(recipient=member).count)() == 0
    await communicator.disconnect()


async def test_a_member_hears_only_their_own_notifications() -> None:
    member, neighbour, actor = await in_thread(lambda: [new_member_make() for _ in range(3)])()
    token = await in_thread(token_for)(member)
    communicator = await connect(f"/ws/notifications/?token={token}")
    await receive(communicator)

    await in_thread(notify_answer)(neighbour, actor)
    # Even a push addressed to this member's group carries no one else's row.
    await in_thread(realtime.send_now)(
        realtime.member_group(member.pk), {"type": "notification.new", "id": 10**9}
    )

    assert await nothing_more(communicator)
    await communicator.disconnect()


async def test_marking_notifications_read_pushes_the_new_count() -> None:
    member, other = await in_thread(lambda: (new_member_make(), new_member_make()))()
    notes = await in_thread(lambda: [notify_answer(member, other) for _ in range(3)])()
    token = await in_thread(token_for)(member)
    communicator = await connect(f"/ws/notifications/?token={token}")
    await receive(communicator)

    await in_thread(services.notifications_mark_read)(member_id=member.pk, ids=[notes[0].pk])

    assert await receive(communicator) == {"type": "unread", "unread_count": 2}
    await communicator.disconnect()


async def test_agents_hear_that_the_queue_changed_and_customers_do_not() -> None:
    agent, customer = await in_thread(lambda: (agent_make(), new_member_make()))()
    agent_socket = await connect(f"/ws/notifications/?token={await in_thread(token_for)(agent)}")
    customer_socket = await connect(
        f"/ws/notifications/?token={await in_thread(token_for)(customer)}"
    )
    await receive(agent_socket)
    await receive(customer_socket)

    await in_thread(realtime.send_now)(AGENTS_GROUP, {"type": "queue.changed", "case_id": 7})

    assert await receive(agent_socket) == {"type": "queue.changed", "case_id": 7}
    assert await nothing_more(customer_socket)
    await agent_socket.disconnect()
    await customer_socket.disconnect()


async def test_an_agent_without_a_second_factor_does_not_hear_the_queue() -> None:
    agent = await in_thread(lambda: agent_make(second_factor=False))()
    socket = await connect(f"/ws/notifications/?token={await in_thread(token_for)(agent)}")
    await receive(socket)

    await in_thread(realtime.send_now)(AGENTS_GROUP, {"type": "queue.changed", "case_id": 7})

    assert await nothing_more(socket)
    await socket.disconnect()


async def test_with_polling_a_row_no_one_pushed_still_arrives(settings: Any) -> None:
    # The embedded mode: a notification written by the Celery worker, another process,
    # whose push this process's in-memory layer never sees.
    settings.NOTIFICATIONS_POLL_SECONDS = 0.2
    member, other = await in_thread(lambda: (new_member_make(), new_member_make()))()
    token = await in_thread(token_for)(member)
    communicator = await connect(f"/ws/notifications/?token={token}")
    await receive(communicator)

    note = await sync_to_async(Notification.objects.create)(
        recipient=member,
        kind=Kind.ANSWER,
        actor=other,
        data={"title": "Written elsewhere"},
        created_at=timezone.now(),
    )

    message = await receive(communicator)
    assert message["notification"]["id"] == note.pk
    # Found once: the next polls don't send it again.
    assert await nothing_more(communicator)
    await communicator.disconnect()


async def test_listening_never_writes_to_the_database(settings: Any) -> None:
    settings.NOTIFICATIONS_POLL_SECONDS = 0.1
    agent, other = await in_thread(lambda: (agent_make(), new_member_make()))()
    notes = await in_thread(lambda: [notify_answer(agent, other) for _ in range(3)])()
    cookie = await in_thread(session_cookie_for)(agent)
    token = await in_thread(token_for)(agent)

    with statements_recorded() as statements:
        by_session = await connect(f"/ws/notifications/?since={notes[0].pk}", cookie=cookie)
        by_token = await connect(f"/ws/notifications/?token={token}&since=0")
        anonymous = await connect("/ws/notifications/")
        for communicator in (by_session, by_token):
            await receive_until(communicator, lambda m: m["type"] == "unread")
        await closed_with(anonymous)
        await in_thread(realtime.send_now)(
            realtime.member_group(agent.pk), {"type": "notification.new", "id": notes[-1].pk + 1}
        )
        assert await nothing_more(by_session)  # a few polls and a push went by
        await by_session.disconnect()
        await by_token.disconnect()
        await anonymous.disconnect()

    assert any(sql.lstrip().upper().startswith("SELECT") for sql in statements)
    assert writes_among(statements) == []
