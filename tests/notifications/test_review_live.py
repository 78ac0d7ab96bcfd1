"""A new member's answer held for review reaches open thread pages only when a moderator
approves it, as any new answer does (/ws/threads/<id>/)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from community.models import Member, Post, Thread
from support.moderation.review import review_approve
from tests.builders import answer, ask, board_make, member_make, moderator_make, new_member_make
from tests.notifications.live_helpers import (
    IN_MEMORY_LAYER,
    close_worker_connections,
    connect,
    in_thread,
    nothing_more,
    receive_until,
    transactional,
)

pytestmark = [pytest.mark.asyncio, transactional, pytest.mark.new_member_review]


@pytest.fixture(autouse=True)
def _in_memory_layer(settings: Any) -> None:
    settings.CHANNEL_LAYERS = IN_MEMORY_LAYER


@pytest_asyncio.fixture(autouse=True)
async def _close_connections() -> AsyncIterator[None]:
    yield
    await close_worker_connections()


def a_question() -> tuple[Thread, Member, Member]:
    return ask(member_make(), board_make()), new_member_make(), moderator_make()


async def test_an_open_page_hears_of_a_held_answer_when_it_is_approved_not_before() -> None:
    thread, newcomer, moderator = await in_thread(a_question)()
    anonymous = await connect(f"/ws/threads/{thread.pk}/")

    post: Post = await in_thread(answer)(newcomer, thread)
    assert await nothing_more(anonymous)
    await in_thread(review_approve)(actor=moderator, post=post)

    event, _before = await receive_until(anonymous, lambda m: m["type"] == "post.created")
    assert event == {"type": "post.created", "post_id": post.pk, "answer_count": 1}
    await anonymous.disconnect()
