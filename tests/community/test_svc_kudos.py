"""community.services.kudos_give / kudos_withdraw, including under concurrency on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied

from community import services
from community.models import Board, Kudos, Member, Post, Thread
from tests.builders import answer, ask, board_make
from tests.community.svc_factories import capture_events
from tests.concurrency import requires_postgresql, run_at_once, transactional
from tests.factories import MemberFactory


@pytest.fixture
def board(db: None) -> Board:
    return board_make()


@pytest.fixture
def thread(asker: Member, board: Board) -> Thread:
    return ask(asker, board)


@pytest.fixture
def post(helper: Member, thread: Thread) -> Post:
    return answer(helper, thread)


def counted(obj: Thread | Post) -> int:
    obj.refresh_from_db(fields=["kudos_count"])
    return obj.kudos_count


# --- giving ---------------------------------------------------------------------------------


def test_kudos_for_an_answer_is_given_once(asker: Member, helper: Member, post: Post) -> None:
    kudos, created = services.kudos_give(giver=asker, post=post)
    assert created is True
    assert (kudos.giver, kudos.receiver, kudos.post, kudos.thread) == (asker, helper, post, None)
    assert counted(post) == 1

    again, created_again = services.kudos_give(giver=asker, post=post)
    assert created_again is False
    assert again.pk == kudos.pk
    assert Kudos.objects.count() == 1
    assert counted(post) == 1


def test_kudos_for_a_question_counts_on_the_question(
    asker: Member, helper: Member, thread: Thread, post: Post
) -> None:
    kudos, created = services.kudos_give(giver=helper, thread=thread)
    assert created
    assert (kudos.receiver, kudos.thread, kudos.post) == (asker, thread, None)
    assert counted(thread) == 1
    assert counted(post) == 0


def test_kudos_from_several_members_add_up(
    asker: Member, outsider: Member, moderator: Member, post: Post
) -> None:
    for giver in (asker, outsider, moderator):
        services.kudos_give(giver=giver, post=post)
    assert counted(post) == 3 == Kudos.objects.filter(post=post).count()


def test_nobody_may_give_kudos_to_their_own_answer(helper: Member, post: Post) -> None:
    with capture_events() as sent, pytest.raises(PermissionDenied) as caught:
        services.kudos_give(giver=helper, post=post)
    assert str(caught.value) == "You cannot give kudos to your own post."
    assert sent.calls == []
    assert not Kudos.objects.exists()
    assert counted(post) == 0


def test_nobody_may_give_kudos_to_their_own_question(asker: Member, thread: Thread) -> None:
    with pytest.raises(PermissionDenied, match="your own question"):
        services.kudos_give(giver=asker, thread=thread)
    assert not Kudos.objects.exists()
    assert counted(thread) == 0


def test_kudos_needs_exactly_one_of_a_question_or_an_answer(
    outsider: Member, thread: Thread, post: Post
) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        services.kudos_give(giver=outsider)
    with pytest.raises(ValueError, match="exactly one"):
        services.kudos_give(giver=outsider, thread=thread, post=post)
    with pytest.raises(ValueError, match="exactly one"):
        services.kudos_withdraw(giver=outsider)


# --- withdrawing ----------------------------------------------------------------------------


def test_withdrawing_kudos_reverses_the_count(asker: Member, outsider: Member, post: Post) -> None:
    services.kudos_give(giver=asker, post=post)
    services.kudos_give(giver=outsider, post=post)
    assert services.kudos_withdraw(giver=asker, post=post) is True
    assert list(Kudos.objects.values_list("giver", flat=True)) == [outsider.pk]
    assert counted(post) == 1


def test_withdrawing_kudos_never_given_returns_false_and_changes_nothing(
    asker: Member, outsider: Member, thread: Thread, post: Post
) -> None:
    services.kudos_give(giver=outsider, post=post)
    with capture_events() as sent:
        assert services.kudos_withdraw(giver=asker, post=post) is False
        assert services.kudos_withdraw(giver=outsider, thread=thread) is False
    assert sent.calls == []
    assert counted(post) == 1
    assert counted(thread) == 0


def test_kudos_may_be_given_again_after_withdrawing(asker: Member, post: Post) -> None:
    services.kudos_give(giver=asker, post=post)
    services.kudos_withdraw(giver=asker, post=post)
    _kudos, created = services.kudos_give(giver=asker, post=post)
    assert created
    assert counted(post) == 1


# --- events ---------------------------------------------------------------------------------


def test_giving_and_withdrawing_announce_the_kudos_the_receiver_and_the_actor(
    asker: Member, helper: Member, thread: Thread, post: Post
) -> None:
    with capture_events() as sent:
        kudos, _ = services.kudos_give(giver=asker, post=post)
        services.kudos_give(giver=asker, post=post)  # a repeat announces nothing
        services.kudos_withdraw(giver=asker, post=post)
        question_kudos, _ = services.kudos_give(giver=helper, thread=thread)

    for_post = {
        "kudos_id": kudos.pk,
        "thread_id": None,
        "post_id": post.pk,
        "receiver_id": helper.pk,
        "actor_id": asker.pk,
    }
    assert sent.calls == [
        ("kudos_given", for_post),
        ("kudos_withdrawn", for_post),
        (
            "kudos_given",
            {
                "kudos_id": question_kudos.pk,
                "thread_id": thread.pk,
                "post_id": None,
                "receiver_id": asker.pk,
                "actor_id": helper.pk,
            },
        ),
    ]


# --- concurrency (PostgreSQL) ---------------------------------------------------------------


def give(giver: Member, post: Post) -> Callable[[], bool]:
    return lambda: services.kudos_give(giver=giver, post=post)[1]


def withdraw(giver: Member, post: Post) -> Callable[[], bool]:
    return lambda: services.kudos_withdraw(giver=giver, post=post)


@requires_postgresql
@transactional
def test_fifty_members_giving_kudos_at_once_are_all_counted(helper: Member) -> None:
    post = answer(helper, ask(MemberFactory.create(), board_make()))
    givers = MemberFactory.create_batch(50)

    results, errors = run_at_once([give(giver, post) for giver in givers])

    assert errors == []
    assert results == [True] * 50
    assert Kudos.objects.filter(post=post).count() == 50
    assert counted(post) == 50

    # Half take their kudos back while the other half press the button again.
    leaving, staying = givers[:25], givers[25:]
    results, errors = run_at_once(
        [withdraw(giver, post) for giver in leaving] + [give(giver, post) for giver in staying]
    )

    assert errors == []
    assert sorted(results) == [False] * 25 + [True] * 25
    rows = Kudos.objects.filter(post=post)
    assert set(rows.values_list("giver", flat=True)) == {giver.pk for giver in staying}
    assert counted(post) == rows.count() == 25


@requires_postgresql
@transactional
def test_one_member_giving_kudos_from_ten_threads_at_once_counts_once(helper: Member) -> None:
    post = answer(helper, ask(MemberFactory.create(), board_make()))
    giver = MemberFactory.create()

    results, errors = run_at_once([give(giver, post) for _ in range(10)])

    assert errors == []
    assert sorted(results) == [False] * 9 + [True]
    assert Kudos.objects.filter(post=post).count() == 1
    assert counted(post) == 1
