"""community.services.solution_accept / solution_withdraw."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community import services
from community.errors import Conflict
from community.models import Board, Member, Post, Thread
from tests.builders import answer, ask, board_make
from tests.community.svc_factories import capture_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def board() -> Board:
    return board_make()


@pytest.fixture
def thread(asker: Member, board: Board) -> Thread:
    return ask(asker, board)


@pytest.fixture
def post(helper: Member, thread: Thread) -> Post:
    return answer(helper, thread)


def solved_count(board: Board) -> int:
    board.refresh_from_db(fields=["solved_count"])
    return board.solved_count


def test_the_asker_accepts_an_answer_and_the_thread_is_solved(
    asker: Member, board: Board, thread: Thread, post: Post
) -> None:
    with capture_events() as sent:
        returned = services.solution_accept(thread=thread, post=post, actor=asker)

    thread.refresh_from_db()
    assert thread.solution == post
    assert thread.status == "solved"
    assert thread.solved_at is not None
    assert returned.solution_id == post.pk and returned.status == "solved"
    assert solved_count(board) == 1
    assert sent.calls == [
        ("solution_accepted", {"thread_id": thread.pk, "post_id": post.pk, "actor_id": asker.pk})
    ]


def test_accepting_the_same_answer_again_changes_nothing(
    asker: Member, board: Board, thread: Thread, post: Post
) -> None:
    services.solution_accept(thread=thread, post=post, actor=asker)
    solved_at = Thread.objects.get(pk=thread.pk).solved_at
    with capture_events() as sent:
        services.solution_accept(thread=thread, post=post, actor=asker)
    assert sent.calls == []
    assert Thread.objects.get(pk=thread.pk).solved_at == solved_at
    assert solved_count(board) == 1


def test_accepting_another_answer_replaces_the_solution(
    asker: Member, outsider: Member, board: Board, thread: Thread, post: Post
) -> None:
    better = answer(outsider, thread)
    services.solution_accept(thread=thread, post=post, actor=asker)
    with capture_events() as sent:
        services.solution_accept(thread=thread, post=better, actor=asker)

    thread.refresh_from_db()
    assert thread.solution == better
    assert solved_count(board) == 1
    assert sent.calls == [
        ("solution_withdrawn", {"thread_id": thread.pk, "post_id": post.pk, "actor_id": asker.pk}),
        ("solution_accepted", {"thread_id": thread.pk, "post_id": better.pk, "actor_id": asker.pk}),
    ]


def test_withdrawing_the_solution_opens_the_thread_again(
    asker: Member, board: Board, thread: Thread, post: Post
) -> None:
    services.solution_accept(thread=thread, post=post, actor=asker)
    with capture_events() as sent:
        returned = services.solution_withdraw(thread=thread, actor=asker)

    thread.refresh_from_db()
    assert thread.solution is None and thread.solved_at is None
    assert thread.status == returned.status == "open"
    assert solved_count(board) == 0
    assert sent.calls == [
        ("solution_withdrawn", {"thread_id": thread.pk, "post_id": post.pk, "actor_id": asker.pk})
    ]


def test_withdrawing_a_solution_that_is_not_there_is_a_conflict(
    asker: Member, board: Board, thread: Thread, post: Post
) -> None:
    with capture_events() as sent, pytest.raises(Conflict):
        services.solution_withdraw(thread=thread, actor=asker)
    assert sent.calls == []
    assert solved_count(board) == 0


def test_an_outsider_may_neither_accept_nor_withdraw_a_solution(
    asker: Member, helper: Member, outsider: Member, board: Board, thread: Thread, post: Post
) -> None:
    # Not even the answerer may crown their own answer.
    for member in (outsider, helper):
        with pytest.raises(PermissionDenied):
            services.solution_accept(thread=thread, post=post, actor=member)
    assert Thread.objects.get(pk=thread.pk).solution is None

    services.solution_accept(thread=thread, post=post, actor=asker)
    with pytest.raises(PermissionDenied):
        services.solution_withdraw(thread=thread, actor=outsider)
    assert Thread.objects.get(pk=thread.pk).solution == post
    assert solved_count(board) == 1


@pytest.mark.parametrize("staff", ["moderator", "agent"])
def test_moderators_and_agents_may_accept_and_withdraw_solutions(
    request: pytest.FixtureRequest, staff: str, board: Board, thread: Thread, post: Post
) -> None:
    actor: Member = request.getfixturevalue(staff)
    with capture_events() as sent:
        services.solution_accept(thread=thread, post=post, actor=actor)
    assert Thread.objects.get(pk=thread.pk).solution == post
    assert sent.of("solution_accepted")[0]["actor_id"] == actor.pk

    services.solution_withdraw(thread=thread, actor=actor)
    assert Thread.objects.get(pk=thread.pk).solution is None
    assert solved_count(board) == 0


def test_an_answer_from_another_thread_cannot_be_the_solution(
    asker: Member, helper: Member, board: Board, thread: Thread
) -> None:
    elsewhere = answer(helper, ask(asker, board))
    with pytest.raises(ValidationError) as caught:
        services.solution_accept(thread=thread, post=elsewhere, actor=asker)
    assert "post" in caught.value.message_dict
    assert Thread.objects.get(pk=thread.pk).solution is None
    assert solved_count(board) == 0


def test_a_locked_threads_solution_cannot_change(
    asker: Member, outsider: Member, moderator: Member, board: Board, thread: Thread, post: Post
) -> None:
    other = answer(outsider, thread)
    services.solution_accept(thread=thread, post=post, actor=asker)
    services.thread_lock(thread=thread, actor=moderator, locked=True)
    with capture_events() as sent:
        with pytest.raises(Conflict):
            services.solution_accept(thread=thread, post=other, actor=asker)
        with pytest.raises(Conflict):
            services.solution_withdraw(thread=thread, actor=asker)
    assert sent.calls == []
    assert Thread.objects.get(pk=thread.pk).solution == post
    assert solved_count(board) == 1


def test_accepting_on_a_locked_unsolved_thread_is_a_conflict(
    asker: Member, moderator: Member, board: Board, thread: Thread, post: Post
) -> None:
    services.thread_lock(thread=thread, actor=moderator, locked=True)
    with pytest.raises(Conflict):
        services.solution_accept(thread=thread, post=post, actor=asker)
    assert Thread.objects.get(pk=thread.pk).solution is None
    assert solved_count(board) == 0


def test_solved_counts_stay_per_board(asker: Member, helper: Member, board: Board) -> None:
    other_board = board_make(name="Roaming")
    here = ask(asker, board)
    there = ask(asker, other_board)
    services.solution_accept(thread=here, post=answer(helper, here), actor=asker)
    services.solution_accept(thread=there, post=answer(helper, there), actor=asker)
    services.solution_withdraw(thread=there, actor=asker)
    assert (solved_count(board), solved_count(other_board)) == (1, 0)
