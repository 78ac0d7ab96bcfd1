"""Moderators export a member's data and delete their account on the member's request, from
the member's moderation page; the audit log records both."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from community.models import Member
from notifications.models import Notification
from support.moderation.models import ModerationAction
from support.moderation.personal_data import member_data_export_on_request, member_delete_on_request
from tests.builders import logged_in, member_make, moderator_make
from tests.community.privacy_world import CUSTOMER_MESSAGE, INTERNAL_NOTE, privacy_world

pytestmark = pytest.mark.django_db


def actions(member: Member, kind: str) -> list[ModerationAction]:
    return list(ModerationAction.objects.filter(member=member, kind=kind))


def test_the_member_page_offers_both_to_moderators() -> None:
    member = member_make("olive")

    page = logged_in(moderator_make()).get("/moderation/members/olive/").content.decode()

    assert "Export this member's data" in page
    assert "Delete this account" in page
    assert member.pk


def test_a_moderator_downloads_the_data_and_the_log_says_so() -> None:
    world = privacy_world()
    moderator = moderator_make("mona")

    response = logged_in(moderator).post(
        "/moderation/members/olive/export/", {"reason": "Asked by email on 3 Dec."}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["username"] == "olive"
    assert INTERNAL_NOTE not in response.content.decode()
    (action,) = actions(world.member, "data_export")
    assert action.actor == moderator and action.reason == "Asked by email on 3 Dec."


def test_a_moderator_deletes_the_account_once_and_the_log_says_so() -> None:
    world = privacy_world()
    moderator = moderator_make("mona")
    client = logged_in(moderator)
    body = {"reason": "Asked by email.", "confirm": "on", "remove_content": "on"}

    response = client.post("/moderation/members/olive/delete/", body, follow=True)

    member = Member.objects.get(pk=world.member.pk)
    assert member.is_deleted
    assert response.redirect_chain[-1][0] == f"/moderation/members/deleted-{member.pk}/"
    assert "The account is deleted" in response.content.decode()
    (action,) = actions(member, "account_delete")
    assert action.actor == moderator and action.data == {"remove_content": True}
    # The entry notifies nobody: the member is gone.
    assert not Notification.objects.filter(recipient=member).exists()

    again = client.post(f"/moderation/members/deleted-{member.pk}/delete/", body, follow=True)
    assert "already deleted" in again.content.decode()
    assert len(actions(member, "account_delete")) == 1


def test_the_deletion_needs_the_request_and_the_confirmation() -> None:
    member = member_make("olive")

    response = logged_in(moderator_make()).post("/moderation/members/olive/delete/", {})

    assert response.status_code == 400
    page = response.content.decode()
    assert "This field is required." in page and "Tick the box to confirm." in page
    assert Member.objects.get(pk=member.pk).deleted_at is None


def test_a_staff_account_is_refused_with_409() -> None:
    moderator_make("other-mod")

    response = logged_in(moderator_make()).post(
        "/moderation/members/other-mod/delete/", {"reason": "Asked.", "confirm": "on"}
    )

    assert response.status_code == 409
    assert "remove the staff roles" in response.content.decode()


def test_only_moderators_may_do_either() -> None:
    member = member_make("olive")
    other = member_make()
    with pytest.raises(PermissionDenied):
        member_data_export_on_request(actor=other, member=member)
    with pytest.raises(PermissionDenied):
        member_delete_on_request(actor=other, member=member)
    assert logged_in(other).post("/moderation/members/olive/export/").status_code == 404
    assert not ModerationAction.objects.exists()


def test_a_request_note_too_long_is_refused_with_a_message() -> None:
    member = member_make("olive")

    response = logged_in(moderator_make()).post(
        "/moderation/members/olive/export/", {"reason": "x" * 501}, follow=True
    )

    assert response.status_code == 200
    assert "Keep it to 500 characters at most." in response.content.decode()
    assert not actions(member, "data_export")


def test_the_agent_sees_the_case_of_a_deleted_member_without_their_name() -> None:
    world = privacy_world()
    member_delete_on_request(actor=moderator_make(), member=world.member, reason="Asked.")

    page = logged_in(world.agent).get(f"/support/cases/{world.case.pk}/").content.decode()

    assert "Deleted member" in page
    assert "Olive Owner" not in page
    assert "We are looking at your top-up now." in page
    assert CUSTOMER_MESSAGE not in page
    assert 'href=""' not in page  # no link to a profile that is gone
