"""/ws/announcements/: every open page, visitors' included, hears when staff post, edit, unpin
or delete an announcement (ids only; the page fetches its banner), once the write commits."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from community.announcements import services
from tests.builders import board_make, moderator_make
from tests.notifications.live_helpers import (
    connect,
    in_thread,
    live_socket_tests,
    nothing_more,
    receive,
    session_cookie_for,
)

pytestmark = live_socket_tests


def post_on_board() -> tuple[Any, Any, Any]:
    staff, board = moderator_make(), board_make()
    announcement = services.announcement_create(
        actor=staff, board=board, title="Card payments are slow", body="We are on it, sorry."
    )
    return staff, board, announcement


async def test_a_visitor_and_a_member_hear_of_a_new_announcement() -> None:
    member = await in_thread(moderator_make)()
    visitor = await connect("/ws/announcements/")
    signed_in = await connect(
        "/ws/announcements/", cookie=await in_thread(session_cookie_for)(member)
    )

    staff, board, announcement = await in_thread(post_on_board)()

    expected = {"type": "announcement.changed", "id": announcement.pk, "board": board.slug}
    assert await receive(visitor) == expected
    assert await receive(signed_in) == expected
    assert await nothing_more(visitor)
    await visitor.disconnect()
    await signed_in.disconnect()


async def test_unpinning_and_deleting_are_heard_too() -> None:
    staff, board, announcement = await in_thread(post_on_board)()
    page = await connect("/ws/announcements/")

    await in_thread(services.announcement_unpin)(actor=staff, announcement=announcement)
    unpinned = await receive(page)
    await in_thread(services.announcement_delete)(actor=staff, announcement=announcement)
    deleted = await receive(page)

    assert (
        unpinned
        == deleted
        == {
            "type": "announcement.changed",
            "id": announcement.pk,
            "board": board.slug,
        }
    )
    await page.disconnect()


async def test_a_refused_write_tells_nobody() -> None:
    staff, board, announcement = await in_thread(post_on_board)()
    page = await connect("/ws/announcements/")

    def refused() -> None:
        with pytest.raises(ValidationError):
            services.announcement_create(actor=staff, title="Hi", body="too short")

    await in_thread(refused)()

    assert await nothing_more(page)
    await page.disconnect()
