"""community.permissions and the staff permissions that migration 0005 grants."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from community import permissions
from community.models import AGENTS_GROUP, MODERATORS_GROUP, Board, Member, Thread
from tests.builders import answer, ask, board_make

pytestmark = pytest.mark.django_db

# The moderation permissions of migration 0005 (later migrations add posting privileges).
MODERATION = {
    "edit_any_content",
    "retag_thread",
    "accept_any_solution",
    "lock_thread",
    "delete_any_content",
}


def group_codenames(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return set(
        group.permissions.filter(content_type__app_label="community").values_list(
            "codename", flat=True
        )
    )


def held(member: Member) -> set[str]:
    return {codename for codename in MODERATION if member.has_perm(f"community.{codename}")}


def test_the_moderators_group_has_the_five_moderation_permissions() -> None:
    assert group_codenames(MODERATORS_GROUP) & MODERATION == MODERATION


def test_the_agents_group_may_only_accept_solutions_among_them() -> None:
    assert group_codenames(AGENTS_GROUP) & MODERATION == {"accept_any_solution"}


def test_members_hold_what_their_group_grants(
    moderator: Member, agent: Member, asker: Member, outsider: Member
) -> None:
    assert held(moderator) == MODERATION
    assert held(agent) == {"accept_any_solution"}
    assert held(asker) == held(outsider) == set()


@pytest.fixture
def board() -> Board:
    return board_make()


@pytest.fixture
def thread(asker: Member, board: Board) -> Thread:
    return ask(asker, board)


def test_what_an_author_a_stranger_and_a_moderator_may_do(
    asker: Member, helper: Member, outsider: Member, moderator: Member, thread: Thread
) -> None:
    post = answer(helper, thread)
    thread.refresh_from_db()
    assert permissions.can_edit_thread(asker, thread)
    assert permissions.can_retag_thread(asker, thread)
    assert permissions.can_edit_post(helper, post)
    assert permissions.can_delete_post(helper, post)
    assert permissions.can_accept_solution(asker, thread)
    assert not permissions.can_delete_thread(asker, thread)  # it has an answer now
    assert not permissions.can_lock_thread(asker)

    for stranger in (outsider, helper):
        assert not permissions.can_edit_thread(stranger, thread)
        assert not permissions.can_retag_thread(stranger, thread)
        assert not permissions.can_delete_thread(stranger, thread)
        assert not permissions.can_accept_solution(stranger, thread)
    assert not permissions.can_edit_post(outsider, post)
    assert not permissions.can_delete_post(outsider, post)

    assert permissions.can_edit_thread(moderator, thread)
    assert permissions.can_edit_post(moderator, post)
    assert permissions.can_delete_thread(moderator, thread)
    assert permissions.can_delete_post(moderator, post)
    assert permissions.can_lock_thread(moderator)


def test_an_agent_may_accept_solutions_but_not_moderate(agent: Member, thread: Thread) -> None:
    assert permissions.can_accept_solution(agent, thread)
    assert not permissions.can_edit_thread(agent, thread)
    assert not permissions.can_delete_thread(agent, thread)
    assert not permissions.can_lock_thread(agent)


def test_anonymous_and_deactivated_members_may_do_nothing(
    asker: Member, moderator: Member, thread: Thread
) -> None:
    asker.is_active = False
    asker.save(update_fields=["is_active"])
    moderator.is_active = False
    moderator.save(update_fields=["is_active"])
    for viewer in (AnonymousUser(), asker, moderator):
        assert not permissions.can_edit_thread(viewer, thread)
        assert not permissions.can_retag_thread(viewer, thread)
        assert not permissions.can_delete_thread(viewer, thread)
        assert not permissions.can_accept_solution(viewer, thread)
        assert not permissions.can_lock_thread(viewer)
        assert not permissions.can_give_kudos(viewer, author_id=0)


def test_nobody_may_give_kudos_to_themselves(asker: Member, helper: Member) -> None:
    assert not permissions.can_give_kudos(asker, asker.pk)
    assert permissions.can_give_kudos(helper, asker.pk)
