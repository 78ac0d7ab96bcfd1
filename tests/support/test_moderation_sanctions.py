"""Sanctions: a suspended member can't sign in until it is lifted or runs out; a silenced
member may read but not post (support answers `member_is_silenced`)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from community.errors import Conflict
from community.models import Member
from support.moderation import sanctions
from support.moderation.models import ModerationAction, Sanction
from support.moderation.selectors import member_is_silenced
from tests.builders import logged_in
from tests.factories import PASSWORD
from tests.support.moderation_factories import moderation_announced

pytestmark = pytest.mark.django_db


def can_sign_in(member: Member) -> bool:
    return Client().login(username=member.username, password=PASSWORD)


def test_a_suspension_refuses_sign_in_and_ends_open_sessions(
    helper: Member, moderator: Member
) -> None:
    session = logged_in(helper)
    token = Token.objects.create(user=helper)
    assert session.get("/settings/profile/").status_code == 200

    sanction = sanctions.sanction_create(
        actor=moderator, member=helper, kind="suspend", days=7, reason="Abuse of other members"
    )

    helper.refresh_from_db()
    assert not helper.is_active
    assert not can_sign_in(helper)
    assert session.get("/settings/profile/").status_code == 302  # signed out: to the sign-in
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post("/api/v1/threads/", {}, content_type="application/json").status_code == 401
    assert sanction.until - timezone.now() > timedelta(days=6, hours=23)


def test_lifting_a_suspension_lets_the_member_sign_in_again(
    helper: Member, moderator: Member
) -> None:
    sanction = sanctions.sanction_create(
        actor=moderator, member=helper, kind="suspend", days=7, reason="Abuse"
    )

    sanctions.sanction_lift(actor=moderator, sanction=sanction, reason="Apologised")

    helper.refresh_from_db()
    assert helper.is_active
    assert can_sign_in(helper)
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None
    with pytest.raises(Conflict):
        sanctions.sanction_lift(actor=moderator, sanction=sanction)


def test_a_suspension_that_runs_out_ends_once_and_is_logged_without_an_actor(
    helper: Member, moderator: Member
) -> None:
    sanction = sanctions.sanction_create(
        actor=moderator, member=helper, kind="suspend", days=2, reason="Cool off"
    )
    later = timezone.now() + timedelta(days=2, minutes=1)

    assert sanctions.sanctions_expire(now=timezone.now()) == 0
    with moderation_announced() as announced:
        assert sanctions.sanctions_expire(now=later) == 1
    assert sanctions.sanctions_expire(now=later) == 0

    helper.refresh_from_db()
    assert helper.is_active
    sanction.refresh_from_db()
    assert sanction.lifted_at == sanction.until
    lift = ModerationAction.objects.get(kind=ModerationAction.Kind.LIFT)
    assert (lift.actor, lift.member, lift.reason) == (None, helper, "expired")
    assert announced.calls == [{"action_id": lift.pk, "member_id": helper.pk, "actor_id": None}]


def test_silence_is_in_force_until_lifted(helper: Member, moderator: Member) -> None:
    assert not member_is_silenced(member_id=helper.pk)
    sanction = sanctions.sanction_create(
        actor=moderator, member=helper, kind="silence", days=1, reason="Off-topic rants"
    )

    assert member_is_silenced(member_id=helper.pk)
    assert not member_is_silenced(member_id=helper.pk, now=sanction.until)
    helper.refresh_from_db()
    assert helper.is_active  # a silenced member still signs in and reads

    sanctions.sanction_lift(actor=moderator, sanction=sanction)
    assert not member_is_silenced(member_id=helper.pk)


def test_the_same_sanction_twice_is_a_conflict(helper: Member, moderator: Member) -> None:
    sanctions.sanction_create(actor=moderator, member=helper, kind="silence", days=1, reason="a")

    with pytest.raises(Conflict):
        sanctions.sanction_create(
            actor=moderator, member=helper, kind="silence", days=3, reason="b"
        )
    # A suspension on top of a silence is another sanction.
    sanctions.sanction_create(actor=moderator, member=helper, kind="suspend", days=1, reason="c")
    assert Sanction.objects.count() == 2


@pytest.mark.parametrize(
    ("kind", "days", "reason", "field"),
    [
        ("ban", 3, "why", "kind"),
        ("silence", 0, "why", "days"),
        ("silence", 366, "why", "days"),
        ("silence", 3, "   ", "reason"),
        ("silence", 3, "x" * 501, "reason"),
    ],
)
def test_bad_sanctions_are_refused(
    helper: Member, moderator: Member, kind: str, days: int, reason: str, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        sanctions.sanction_create(
            actor=moderator, member=helper, kind=kind, days=days, reason=reason
        )
    assert field in error.value.message_dict
    assert not Sanction.objects.exists()


def test_staff_and_oneself_cannot_be_sanctioned_here(
    moderator: Member, agent: Member, helper: Member
) -> None:
    for member in (moderator, agent):
        with pytest.raises(PermissionDenied):
            sanctions.sanction_create(
                actor=moderator, member=member, kind="suspend", days=1, reason="no"
            )
    with pytest.raises(PermissionDenied):
        sanctions.sanction_create(actor=helper, member=agent, kind="silence", days=1, reason="x")
    assert not Sanction.objects.exists()


def test_the_scheduled_task_ends_sanctions_that_ran_out(helper: Member, moderator: Member) -> None:
    from support.moderation.tasks import sanctions_expire

    sanction = sanctions.sanction_create(
        actor=moderator, member=helper, kind="suspend", days=1, reason="Cool off"
    )
    Sanction.objects.filter(pk=sanction.pk).update(until=timezone.now() - timedelta(seconds=1))

    assert sanctions_expire.delay().get() == 1

    helper.refresh_from_db()
    assert helper.is_active


def test_the_posting_check_tells_a_silenced_member_why_and_until_when(
    helper: Member, moderator: Member
) -> None:
    from support.moderation.receivers import posting_refusal

    assert posting_refusal(helper) is None
    sanctions.sanction_create(
        actor=moderator, member=helper, kind="silence", days=2, reason="Off-topic rants"
    )

    refusal = posting_refusal(helper)

    assert refusal is not None
    assert "Off-topic rants" in refusal
    assert "silenced" in refusal
