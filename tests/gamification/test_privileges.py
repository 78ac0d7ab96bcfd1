"""Ranks grant privileges as Django permissions (gamification.backends.RankPrivilegeBackend),
alongside the staff groups, and the content a member writes obeys them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from community import services
from community.models import Member
from gamification.backends import RankPrivilegeBackend
from gamification.models import Reason
from gamification.services import ledger
from tests.builders import ask, board_make, member_make

LINK_BODY = "See https://example.com/fix for the full steps of the charging fix."
IMAGE_BODY = "Like this: ![the settings](/media/attachments/2025/01/settings.png) and then retry."


def with_points(points: int, **kwargs: Any) -> Member:
    """A member, fresh from the database, holding `points` (and the rank they earn)."""
    member = member_make(**kwargs)
    if points:
        ledger.points_award(
            member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="setup", points=points
        )
    return Member.objects.get(pk=member.pk)  # no cached permissions


@pytest.mark.django_db
def test_a_newcomer_may_not_post_links_images_or_flag() -> None:
    newcomer = with_points(10)

    assert not newcomer.has_perm("community.post_links")
    assert not newcomer.has_perm("community.post_images")
    assert not newcomer.has_perm("community.flag_content")


@pytest.mark.django_db
def test_a_member_without_any_points_yet_has_the_newcomer_privileges_none() -> None:
    assert with_points(0).get_all_permissions() == set()


@pytest.mark.django_db
def test_the_member_rank_grants_links_images_and_flagging_but_not_editing() -> None:
    member = with_points(50)

    assert member.has_perm("community.post_links")
    assert member.has_perm("community.post_images")
    assert member.has_perm("community.flag_content")
    assert not member.has_perm("community.retag_thread")
    assert not member.has_perm("community.edit_any_content")


@pytest.mark.django_db
def test_helper_adds_retagging() -> None:
    helper = with_points(200)

    assert helper.has_perm("community.retag_thread")
    assert not helper.has_perm("community.edit_any_content")
    assert not helper.has_perm("community.close_duplicate")


@pytest.mark.django_db
def test_the_expert_rank_grants_editing_other_members_content() -> None:
    expert = with_points(1000)

    assert expert.has_perm("community.edit_any_content")
    assert expert.has_perm("community.close_duplicate")
    assert not expert.has_perm("community.accept_any_solution")


@pytest.mark.django_db
def test_guru_adds_accepting_solutions_in_others_questions_and_never_deleting() -> None:
    guru = with_points(5000)

    assert guru.has_perm("community.accept_any_solution")
    assert not guru.has_perm("community.delete_any_content")
    assert not guru.has_perm("community.lock_thread")


@pytest.mark.django_db
def test_losing_the_rank_loses_its_privileges() -> None:
    member = member_make()
    award = ledger.points_award(
        member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="k", points=60
    )
    assert award is not None
    assert Member.objects.get(pk=member.pk).has_perm("community.post_links")

    ledger.points_reverse(award=award, reason=Reason.KUDOS_WITHDRAWN)

    assert not Member.objects.get(pk=member.pk).has_perm("community.post_links")


def test_staff_groups_keep_their_permissions_whatever_their_points(
    moderator: Member, agent: Member
) -> None:
    assert moderator.has_perm("community.delete_any_content")
    assert moderator.has_perm("community.lock_thread")
    assert moderator.has_perm("community.edit_any_content")
    assert moderator.has_perm("community.post_links")
    assert agent.has_perm("community.accept_any_solution")
    assert agent.has_perm("community.post_links")
    assert not agent.has_perm("community.delete_any_content")


def test_a_moderator_with_a_rank_has_both_the_group_and_the_rank_permissions(
    moderator: Member,
) -> None:
    ledger.points_award(
        member_id=moderator.pk, reason=Reason.KUDOS_ON_ANSWER, source="k", points=50
    )
    fresh = Member.objects.get(pk=moderator.pk)

    assert fresh.has_perm("community.delete_any_content")
    assert fresh.has_perm("community.flag_content")


@pytest.mark.django_db
def test_anonymous_visitors_get_no_privileges() -> None:
    anonymous = AnonymousUser()

    assert RankPrivilegeBackend().get_all_permissions(anonymous) == set()
    assert not anonymous.has_perm("community.post_links")


@pytest.mark.django_db
def test_an_inactive_member_gets_nothing_from_their_rank() -> None:
    member = with_points(6000)
    Member.objects.filter(pk=member.pk).update(is_active=False)
    inactive = Member.objects.get(pk=member.pk)

    assert RankPrivilegeBackend().get_all_permissions(inactive) == set()
    assert not inactive.has_perm("community.post_links")
    assert not inactive.has_perm("community.edit_any_content")


@pytest.mark.django_db
def test_the_backend_reads_the_rank_once_per_member_object(
    django_assert_num_queries: object, settings: Any
) -> None:
    settings.COMMUNITY_SHARED_ROWS = False  # the ranks from the database (one query)
    member = with_points(60)
    backend = RankPrivilegeBackend()

    with django_assert_num_queries(1):  # type: ignore[operator]
        backend.has_perm(member, "community.post_links")
        backend.has_perm(member, "community.post_images")
        backend.get_all_permissions(member)


# --- what the privileges change in members' content -----------------------------------------


@pytest.mark.django_db
def test_a_newcomers_link_renders_as_inert_text() -> None:
    newcomer = with_points(10)

    thread = ask(newcomer, board_make(), body=LINK_BODY)

    assert "<a " not in thread.body_html
    assert "https://example.com/fix" in thread.body_html


@pytest.mark.django_db
def test_a_members_link_renders_as_a_link() -> None:
    member = with_points(50)

    thread = ask(member, board_make(), body=LINK_BODY)

    assert 'href="https://example.com/fix"' in thread.body_html


@pytest.mark.django_db
def test_a_newcomers_image_renders_as_its_alt_text_and_a_members_as_an_image() -> None:
    newcomer, member = with_points(10), with_points(60)
    board = board_make()

    inert = ask(newcomer, board, body=IMAGE_BODY)
    shown = ask(member, board, body=IMAGE_BODY)

    assert "<img" not in inert.body_html
    assert "the settings" in inert.body_html
    assert "<img" in shown.body_html


@pytest.mark.django_db
def test_a_member_promoted_mid_session_posts_links_from_their_next_post() -> None:
    member = with_points(40)
    board = board_make()
    before = ask(member, board, body=LINK_BODY)

    ledger.points_award(member_id=member.pk, reason=Reason.KUDOS_ON_ANSWER, source="k", points=10)
    promoted = Member.objects.get(pk=member.pk)
    after = services.post_create(author=promoted, thread=before, body=LINK_BODY, check_limits=False)

    assert "<a " not in before.body_html
    assert 'href="https://example.com/fix"' in after.body_html
