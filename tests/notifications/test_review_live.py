"""A new member's answer held for review reaches open thread pages only when a moderator
approves it, as any new answer does (/ws/threads/<id>/)."""

from __future__ import annotations

import pytest

from community.models import Member, Post, Thread
from support.moderation.review import review_approve
from tests.builders import answer, ask, board_make, member_make, moderator_make, new_member_make
from tests.notifications.live_helpers import (
    connect,
    in_thread,
    live_socket_tests,
    nothing_more,
    receive_until,
)

pytestmark = [*live_socket_tests, pytest.mark.new_member_review]


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
