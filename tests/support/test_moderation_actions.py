"""Moderators' actions: each one is logged (who, what, when, why) and announced, and the
content and its counters end up right."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from community import services
from community.errors import Conflict
from community.models import Board, HiddenReason, Member, Post, Subscription, Thread
from support.moderation import sanctions
from support.moderation import services as moderation
from support.moderation.models import Flag, ModerationAction, Sanction
from tests.builders import answer, ask, board_make
from tests.support.moderation_factories import MEMBER, moderation_announced, ranked

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(asker: Member, helper: Member) -> SimpleNamespace:
    board, other_board = board_make(name="Billing"), board_make(name="Network")
    thread = ask(asker, board, title="Roaming charges in Norway")
    post = answer(helper, thread)
    return SimpleNamespace(board=board, other_board=other_board, thread=thread, post=post)


def _flagged(world: SimpleNamespace) -> Flag:
    return moderation.flag_create(flagger=ranked(MEMBER), post=world.post, kind="spam")


ACTIONS: dict[str, tuple[str, Callable[[Member, SimpleNamespace], Any]]] = {
    "hide": (
        ModerationAction.Kind.HIDE,
        lambda m, w: moderation.moderation_content_hide(actor=m, post=w.post, reason="why"),
    ),
    "restore": (
        ModerationAction.Kind.RESTORE,
        lambda m, w: (
            services.content_hide(post=w.post, reason=HiddenReason.MODERATOR, actor_id=None),
            moderation.moderation_content_restore(actor=m, post=w.post, reason="why"),
        ),
    ),
    "lock": (
        ModerationAction.Kind.LOCK,
        lambda m, w: moderation.moderation_thread_lock(
            actor=m, thread=w.thread, locked=True, reason="why"
        ),
    ),
    "unlock": (
        ModerationAction.Kind.UNLOCK,
        lambda m, w: (
            services.thread_lock(thread=w.thread, actor=m, locked=True),
            moderation.moderation_thread_lock(actor=m, thread=w.thread, locked=False, reason="why"),
        ),
    ),
    "move": (
        ModerationAction.Kind.MOVE,
        lambda m, w: moderation.moderation_thread_move(
            actor=m, thread=w.thread, board=w.other_board, reason="why"
        ),
    ),
    "merge": (
        ModerationAction.Kind.MERGE,
        lambda m, w: moderation.moderation_thread_merge(
            actor=m, duplicate=w.thread, target=ask(w.thread.author, w.board), reason="why"
        ),
    ),
    "uphold": (
        ModerationAction.Kind.FLAG_UPHELD,
        lambda m, w: (_flagged(w), moderation.flags_uphold(actor=m, post=w.post, reason="why")),
    ),
    "reject": (
        ModerationAction.Kind.FLAG_REJECTED,
        lambda m, w: (_flagged(w), moderation.flags_reject(actor=m, post=w.post, reason="why")),
    ),
    "suspend": (
        ModerationAction.Kind.SUSPEND,
        lambda m, w: sanctions.sanction_create(
            actor=m, member=w.post.author, kind="suspend", days=3, reason="why"
        ),
    ),
    "silence": (
        ModerationAction.Kind.SILENCE,
        lambda m, w: sanctions.sanction_create(
            actor=m, member=w.post.author, kind="silence", days=3, reason="why"
        ),
    ),
    "lift": (
        ModerationAction.Kind.LIFT,
        lambda m, w: sanctions.sanction_lift(
            actor=m,
            sanction=Sanction.objects.create(
                member=w.post.author,
                kind="silence",
                until=w.post.created_at.replace(year=2100),
                reason="earlier",
                by=m,
            ),
            reason="why",
        ),
    ),
    "edit": (
        ModerationAction.Kind.EDIT,
        lambda m, w: services.post_update(
            post=w.post, editor=m, body="A tidier answer: restart the phone, then try again."
        ),
    ),
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_moderator_action_is_logged_and_announced(
    name: str, world: SimpleNamespace, moderator: Member, helper: Member, asker: Member
) -> None:
    kind, act = ACTIONS[name]

    with moderation_announced() as announced:
        act(moderator, world)

    action = ModerationAction.objects.filter(actor=moderator).get()
    assert action.kind == kind
    assert action.created_at is not None
    assert action.member in (helper, asker)
    if name != "edit":
        assert action.reason == "why"
    assert {
        "action_id": action.pk,
        "member_id": action.member_id,
        "actor_id": moderator.pk,
    } in announced.calls


@pytest.mark.parametrize(
    "name", ["hide", "lock", "move", "merge", "uphold", "reject", "suspend", "silence"]
)
def test_members_who_are_not_moderators_can_do_none_of_it(
    name: str, world: SimpleNamespace, agent: Member
) -> None:
    _kind, act = ACTIONS[name]
    trusted = ranked(5)  # a Guru: edits anything, moderates nothing

    for actor in (agent, trusted):
        with pytest.raises(PermissionDenied):
            act(actor, world)
    assert not ModerationAction.objects.exclude(actor=None).exists()


def test_hiding_twice_or_locking_twice_is_a_conflict(
    world: SimpleNamespace, moderator: Member
) -> None:
    moderation.moderation_content_hide(actor=moderator, post=world.post)
    moderation.moderation_thread_lock(actor=moderator, thread=world.thread, locked=True)

    with pytest.raises(Conflict):
        moderation.moderation_content_hide(actor=moderator, post=world.post)
    with pytest.raises(Conflict):
        moderation.moderation_thread_lock(actor=moderator, thread=world.thread, locked=True)
    with pytest.raises(Conflict):
        moderation.moderation_content_restore(actor=moderator, thread=world.thread)
    assert ModerationAction.objects.count() == 2


def test_a_reason_over_500_characters_is_refused(world: SimpleNamespace, moderator: Member) -> None:
    with pytest.raises(ValidationError):
        moderation.moderation_content_hide(actor=moderator, post=world.post, reason="x" * 501)
    world.post.refresh_from_db()
    assert not world.post.is_hidden


def test_moving_a_thread_keeps_both_boards_counts_right(
    world: SimpleNamespace, moderator: Member, asker: Member
) -> None:
    services.solution_accept(thread=world.thread, post=world.post, actor=asker)
    world.thread.refresh_from_db()

    moderation.moderation_thread_move(actor=moderator, thread=world.thread, board=world.other_board)

    world.thread.refresh_from_db()
    assert world.thread.board == world.other_board
    old, new = (Board.objects.get(pk=b.pk) for b in (world.board, world.other_board))
    assert (old.thread_count, old.answer_count, old.solved_count) == (0, 0, 0)
    assert (new.thread_count, new.answer_count, new.solved_count) == (1, 1, 1)
    assert new.last_activity_at is not None
    with pytest.raises(Conflict):
        moderation.moderation_thread_move(
            actor=moderator, thread=world.thread, board=world.other_board
        )


def test_merging_moves_the_answers_and_locks_the_duplicate_with_a_link(
    world: SimpleNamespace, moderator: Member, asker: Member, helper: Member, outsider: Member
) -> None:
    duplicate = world.thread
    services.solution_accept(thread=duplicate, post=world.post, actor=asker)
    target = ask(outsider, world.other_board, title="Charged for roaming in Oslo")
    moderation.flag_create(flagger=ranked(MEMBER), post=world.post, kind="spam")

    moderation.moderation_thread_merge(
        actor=moderator, duplicate=duplicate, target=target, reason="Same"
    )

    duplicate.refresh_from_db()
    target.refresh_from_db()
    assert list(target.posts.values_list("pk", flat=True)) == [world.post.pk]
    assert target.answer_count == 1
    assert target.first_answer_at == world.post.created_at
    assert target.solution_id is None  # it answered someone else's question
    note = duplicate.posts.get()
    assert note.author == moderator
    assert target.get_absolute_url() in note.body
    assert duplicate.is_locked
    assert duplicate.answer_count == 1
    assert duplicate.solution_id is None
    dup_board, target_board = (Board.objects.get(pk=b.pk) for b in (world.board, world.other_board))
    assert (dup_board.answer_count, dup_board.solved_count) == (1, 0)
    assert (target_board.answer_count, target_board.solved_count) == (1, 0)
    assert Subscription.objects.filter(member=helper, thread=target).exists()
    assert Flag.objects.get().thread == target
    action = ModerationAction.objects.get(kind=ModerationAction.Kind.MERGE)
    assert action.data == {"into": target.pk, "answers": [world.post.pk]}


def test_a_thread_cannot_be_merged_into_itself(world: SimpleNamespace, moderator: Member) -> None:
    with pytest.raises(ValidationError):
        moderation.moderation_thread_merge(
            actor=moderator, duplicate=world.thread, target=world.thread
        )


def test_a_moderators_edit_of_someone_elses_answer_is_logged_but_not_their_own(
    world: SimpleNamespace, moderator: Member, helper: Member
) -> None:
    services.post_update(post=world.post, editor=helper, body="My own edit, fixing a typo.")
    own = answer(moderator, world.thread)
    services.post_update(post=own, editor=moderator, body="The moderator's own answer, edited.")
    assert not ModerationAction.objects.exists()

    services.thread_update(thread=world.thread, editor=moderator, title="Roaming charges: Norway")

    action = ModerationAction.objects.get()
    assert (action.kind, action.actor, action.thread, action.post_id) == (
        ModerationAction.Kind.EDIT,
        moderator,
        world.thread,
        None,
    )
    assert action.data["revision"] == world.thread.revisions.get().pk


def test_content_is_hidden_and_restored_through_the_community(
    world: SimpleNamespace, moderator: Member, outsider: Member
) -> None:
    moderation.moderation_content_hide(
        actor=moderator, thread=world.thread, reason="Duplicate spam"
    )
    assert Thread.objects.get(pk=world.thread.pk).hidden_reason == HiddenReason.MODERATOR

    moderation.moderation_content_restore(actor=moderator, thread=world.thread)

    assert Thread.objects.get(pk=world.thread.pk).hidden_reason == ""
    assert Post.objects.get(pk=world.post.pk).hidden_reason == ""
