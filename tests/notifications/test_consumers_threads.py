"""/ws/threads/<id>/: everyone who may see a thread hears what changes on it, nobody else.

The events come from real community actions (answers, kudos, solutions) written through
the services, so they carry what the receivers really send after commit.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import SyncToAsync
from channels.layers import get_channel_layer

from community import services
from community.models import MODERATORS_GROUP, HiddenReason, Member, Thread
from notifications.realtime import thread_group
from tests.builders import answer, ask, board_make, member_make, new_member_make
from tests.notifications.live_helpers import (
    closed_with,
    connect,
    in_thread,
    live_socket_tests,
    nothing_more,
    receive_until,
    session_cookie_for,
    statements_recorded,
    token_for,
    writes_among,
)

pytestmark = live_socket_tests


def a_question() -> tuple[Member, Member, Thread]:
    asker, helper = new_member_make(), new_member_make()
    return asker, helper, ask(asker, board_make())


def of_type(kind: str) -> Any:
    return lambda message: message["type"] == kind


async def test_anyone_on_a_public_thread_hears_of_a_new_answer_with_the_count() -> None:
    asker, helper, thread = await in_thread(a_question)()
    anonymous = await connect(f"/ws/threads/{thread.pk}/")

    post = await in_thread(answer)(helper, thread)

    event, _before = await receive_until(anonymous, of_type("post.created"))
    assert event == {"type": "post.created", "post_id": post.pk, "answer_count": 1}
    await anonymous.disconnect()


async def test_kudos_on_an_answer_and_on_the_question_carry_the_new_count() -> None:
    asker, helper, thread = await in_thread(a_question)()
    post = await in_thread(answer)(helper, thread)
    watcher = await connect(f"/ws/threads/{thread.pk}/")

    await in_thread(services.kudos_give)(giver=asker, post=post)
    on_post, _before = await receive_until(watcher, of_type("kudos.changed"))
    await in_thread(services.kudos_give)(giver=helper, thread=thread)
    on_thread, _before = await receive_until(watcher, of_type("kudos.changed"))
    await in_thread(services.kudos_withdraw)(giver=asker, post=post)
    withdrawn, _before = await receive_until(watcher, of_type("kudos.changed"))

    assert on_post == {"type": "kudos.changed", "post_id": post.pk, "kudos_count": 1}
    assert on_thread == {"type": "kudos.changed", "thread_id": thread.pk, "kudos_count": 1}
    assert withdrawn == {"type": "kudos.changed", "post_id": post.pk, "kudos_count": 0}
    await watcher.disconnect()


async def test_accepting_and_withdrawing_the_solution_are_announced() -> None:
    asker, helper, thread = await in_thread(a_question)()
    post = await in_thread(answer)(helper, thread)
    watcher = await connect(f"/ws/threads/{thread.pk}/")

    await in_thread(services.solution_accept)(thread=thread, post=post, actor=asker)
    accepted, _before = await receive_until(watcher, of_type("solution.changed"))
    await in_thread(services.solution_withdraw)(thread=thread, actor=asker)
    withdrawn, _before = await receive_until(watcher, of_type("solution.changed"))

    assert accepted == {"type": "solution.changed", "thread_id": thread.pk, "post_id": post.pk}
    assert withdrawn == {"type": "solution.changed", "thread_id": thread.pk, "post_id": None}
    await watcher.disconnect()


async def test_an_edited_answer_is_announced() -> None:
    asker, helper, thread = await in_thread(a_question)()
    post = await in_thread(answer)(helper, thread)
    watcher = await connect(f"/ws/threads/{thread.pk}/")

    await in_thread(services.post_update)(
        post=post, editor=helper, body="Restart the phone with the cable plugged in, then wait."
    )

    event, _before = await receive_until(watcher, of_type("post.updated"))
    assert event == {"type": "post.updated", "post_id": post.pk}
    await watcher.disconnect()


async def test_a_socket_hears_only_its_own_thread() -> None:
    asker, helper, thread = await in_thread(a_question)()
    other = await in_thread(lambda: ask(asker, thread.board))()
    watcher = await connect(f"/ws/threads/{thread.pk}/")

    await in_thread(answer)(helper, other)

    assert await nothing_more(watcher)
    await watcher.disconnect()


async def test_a_hidden_thread_is_closed_with_4404_for_outsiders_but_not_its_author() -> None:
    def hidden_question() -> tuple[Member, Member, Thread]:
        asker, outsider, thread = a_question()
        services.content_hide(thread=thread, reason=HiddenReason.MODERATOR, actor_id=None)
        return asker, outsider, thread

    asker, outsider, thread = await in_thread(hidden_question)()
    outsider_token = await in_thread(token_for)(outsider)
    author_cookie = await in_thread(session_cookie_for)(asker)

    anonymous = await connect(f"/ws/threads/{thread.pk}/")
    by_outsider = await connect(f"/ws/threads/{thread.pk}/?token={outsider_token}")
    by_author = await connect(f"/ws/threads/{thread.pk}/", cookie=author_cookie)

    assert await closed_with(anonymous) == 4404
    assert await closed_with(by_outsider) == 4404
    assert await nothing_more(by_author)  # open, and quiet
    await by_author.disconnect()


async def test_a_thread_that_does_not_exist_is_closed_with_4404() -> None:
    communicator = await connect("/ws/threads/987654321/")

    assert await closed_with(communicator) == 4404


async def test_following_a_thread_never_writes_to_the_database() -> None:
    asker, helper, thread = await in_thread(a_question)()
    cookie = await in_thread(session_cookie_for)(asker)

    with statements_recorded() as statements:
        anonymous = await connect(f"/ws/threads/{thread.pk}/")
        member = await connect(f"/ws/threads/{thread.pk}/", cookie=cookie)
        assert await nothing_more(member)
        await anonymous.disconnect()
        await member.disconnect()

    assert any(sql.lstrip().upper().startswith("SELECT") for sql in statements)
    assert writes_among(statements) == []


async def test_an_edit_of_a_hidden_answer_reaches_only_its_author_and_staff() -> None:
    def hidden_answer() -> tuple[Member, Member, Thread, Any]:
        asker, helper, thread = a_question()
        post = answer(helper, thread)
        services.content_hide(post=post, reason=HiddenReason.MODERATOR, actor_id=None)
        return asker, helper, thread, post

    asker, helper, thread, post = await in_thread(hidden_answer)()
    moderator = await in_thread(member_make)(is_staff=True, groups=[MODERATORS_GROUP])
    cookies = [await in_thread(session_cookie_for)(who) for who in (asker, helper, moderator)]
    anonymous = await connect(f"/ws/threads/{thread.pk}/")
    by_asker = await connect(f"/ws/threads/{thread.pk}/", cookie=cookies[0])
    by_author = await connect(f"/ws/threads/{thread.pk}/", cookie=cookies[1])
    by_moderator = await connect(f"/ws/threads/{thread.pk}/", cookie=cookies[2])

    await in_thread(services.post_update)(
        post=post, editor=helper, body="Restart the phone with the cable plugged in, then wait."
    )

    expected = {"type": "post.updated", "post_id": post.pk}
    assert (await receive_until(by_author, of_type("post.updated")))[0] == expected
    assert (await receive_until(by_moderator, of_type("post.updated")))[0] == expected
    assert await nothing_more(anonymous)
    assert await nothing_more(by_asker)  # the thread's author, not the answer's
    for socket in (anonymous, by_asker, by_author, by_moderator):
        await socket.disconnect()


async def test_once_a_thread_is_hidden_open_sockets_of_outsiders_hear_nothing_of_it() -> None:
    asker, helper, thread = await in_thread(a_question)()
    anonymous = await connect(f"/ws/threads/{thread.pk}/")
    by_asker = await connect(
        f"/ws/threads/{thread.pk}/", cookie=await in_thread(session_cookie_for)(asker)
    )

    def hide_and_edit() -> None:
        services.content_hide(thread=thread, reason=HiddenReason.MODERATOR, actor_id=None)
        services.thread_update(
            thread=thread, editor=asker, title=thread.title, body=thread.body + " (edited)"
        )

    await in_thread(hide_and_edit)()

    await receive_until(by_asker, of_type("thread.updated"))
    assert await nothing_more(anonymous)
    await anonymous.disconnect()
    await by_asker.disconnect()


async def test_a_push_reaches_every_socket_without_a_hop_to_the_database_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A push to an outage's question reaches hundreds of sockets per process: each one's
    delivery stays on the event loop (Channels' own dispatch hops to the database thread
    before every message, one socket after another)."""
    _asker, _helper, thread = await in_thread(a_question)()
    watchers = [await connect(f"/ws/threads/{thread.pk}/") for _ in range(5)]
    hops: list[object] = []
    run_in_thread = SyncToAsync.__call__

    async def counted(self: SyncToAsync[Any, Any], *args: Any, **kwargs: Any) -> Any:
        hops.append(self.func)
        return await run_in_thread(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counted)

    event = {"type": "kudos.changed", "thread_id": thread.pk, "kudos_count": 3}
    await get_channel_layer().group_send(
        thread_group(thread.pk), {"type": "thread.event", "event": event}
    )

    for watcher in watchers:
        assert (await receive_until(watcher, of_type("kudos.changed")))[0] == event
    assert hops == []
    monkeypatch.undo()
    for watcher in watchers:
        await watcher.disconnect()
