"""A member's personal data: the export holds everything and never an internal note; deleting
the account erases each kind of personal data, keeps the content as a deleted member, and
leaves the ledger and the payback statements consistent (README, "Personal data")."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from community import selectors, services
from community.errors import Conflict
from community.models import Member, Post, Subscription, Thread
from gamification.leaderboards import leaderboard
from gamification.models import LedgerEntry, Statement
from notifications.models import EmailSettings, Notification, Preference
from notifications.services import notify
from support.cases.models import Case, CaseMessage
from support.satisfaction.models import Satisfaction
from tests.builders import member_make, moderator_make
from tests.community.privacy_world import (
    AGENT_REPLY,
    CUSTOMER_MESSAGE,
    INTERNAL_NOTE,
    SATISFACTION_COMMENT,
    PrivacyWorld,
    privacy_world,
)
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

KEYS = {
    "profile",
    "threads",
    "posts",
    "kudos_given",
    "points",
    "badges",
    "statements",
    "cases",
    "notifications",
    "preferences",
}


def rebuild_check() -> str:
    out = StringIO()
    call_command("gamification_rebuild", "--check", stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def world() -> PrivacyWorld:
    return privacy_world()


# --- the export -----------------------------------------------------------------------------


def test_the_export_holds_every_kind_of_data_the_community_keeps(world: PrivacyWorld) -> None:
    data = selectors.member_data_export(member=world.member)

    assert data.keys() >= KEYS
    profile = data["profile"]
    assert profile["username"] == "olive"
    assert profile["display_name"] == "Olive Owner"
    assert profile["bio"] == "Loves eSIMs."
    assert profile["email"] == "olive@example.com"
    assert profile["email_addresses"] == [
        {"email": "olive@example.com", "verified": True, "primary": True}
    ]
    assert {t["title"] for t in data["threads"]} == {
        "My top-up did not arrive",
        "Can I keep my number abroad?",
    }
    assert [p["body"] for p in data["posts"]] == ["The data-only plan works well for me."]
    assert len(data["kudos_given"]) == 1
    assert data["points"]["total"] == sum(e["points"] for e in data["points"]["history"])
    assert data["points"]["total"] > 0
    assert [b["badge"] for b in data["badges"]] == ["first-question"]
    assert data["statements"][0]["amount"] == "6.00"
    assert data["statements"][0]["currency"] == "EUR"
    assert data["notifications"], "the kudos and the case reply notified the member"
    assert data["preferences"]["channels"]["kudos"] == "both"
    assert data["preferences"]["email_digest"] is False
    assert world.helpers_thread.pk in data["following"]  # and their own questions
    assert [f["note"] for f in data["flags"]] == ["Looks like an ad."]
    assert [s["reason"] for s in data["sanctions"]] == ["Heated."]
    assert [s["comment"] for s in data["satisfaction"]] == [SATISFACTION_COMMENT]
    # JSON-able as it is: the page writes it with json.dumps.
    json.dumps(data)


def test_the_export_shows_the_case_conversation_but_never_an_internal_note(
    world: PrivacyWorld,
) -> None:
    data = selectors.member_data_export(member=world.member)

    (case,) = data["cases"]
    bodies = [m["body"] for m in case["messages"]]
    assert CUSTOMER_MESSAGE in bodies
    assert AGENT_REPLY in bodies
    assert INTERNAL_NOTE not in json.dumps(data)


def test_the_export_holds_only_the_members_own_data(world: PrivacyWorld) -> None:
    data = selectors.member_data_export(member=world.helper)

    assert data["profile"]["username"] == "hugo"
    assert data["cases"] == []
    assert data["statements"] == []
    assert "Olive" not in json.dumps(data["profile"])


# --- deletion -------------------------------------------------------------------------------


def delete(world: PrivacyWorld, **kwargs: Any) -> bool:
    return services.member_delete(
        member=world.member, actor=world.member, password=PASSWORD, **kwargs
    )


def test_deleting_erases_the_profile_and_ends_sign_in(
    world: PrivacyWorld, django_capture_on_commit_callbacks: Any
) -> None:
    avatars = [str(world.member.avatar_small.name), str(world.member.avatar_large.name)]
    assert all(default_storage.exists(name) for name in avatars)

    with django_capture_on_commit_callbacks(execute=True):
        assert delete(world) is True

    member = Member.objects.get(pk=world.member.pk)
    assert member.username == f"deleted-{member.pk}"
    assert (member.display_name, member.bio, member.email) == ("", "", "")
    assert (member.first_name, member.last_name) == ("", "")
    assert not member.avatar_small and not member.avatar_large
    assert not any(default_storage.exists(name) for name in avatars)
    assert member.is_deleted and not member.is_active
    assert not member.has_usable_password()
    assert member.name == "Deleted member"
    assert member.get_absolute_url() == ""
    assert not EmailAddress.objects.filter(user=member).exists()
    assert not Token.objects.filter(user=member).exists()
    assert not Subscription.objects.filter(member=member).exists()
    assert not Client().login(username="olive", password=PASSWORD)


def test_deleting_a_signed_in_member_ends_their_sessions(world: PrivacyWorld) -> None:
    client = Client()
    client.force_login(world.member)
    assert client.get("/settings/profile/").status_code == 200

    delete(world)

    response = client.get("/settings/profile/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_deleting_erases_notifications_and_preferences_and_notifies_nobody_later(
    world: PrivacyWorld,
) -> None:
    assert Notification.objects.filter(recipient=world.member).exists()

    delete(world)

    assert not Notification.objects.filter(recipient=world.member).exists()
    assert not EmailSettings.objects.filter(member=world.member).exists()
    assert set(
        Preference.objects.filter(member=world.member).values_list("channel", flat=True)
    ) == {"none"}
    # Kudos on an answer they left notify nobody: no new inbox rows, no emails.
    services.kudos_give(giver=member_make(), post=world.own_answer)
    assert notify(recipient_id=world.member.pk, kind="answer") is None
    assert not Notification.objects.filter(recipient=world.member).exists()


def test_deleting_keeps_the_case_but_erases_the_members_messages_and_closes_it(
    world: PrivacyWorld,
) -> None:
    delete(world)

    case = Case.objects.get(pk=world.case.pk)
    assert case.customer_id == world.member.pk
    assert case.status == "closed"
    bodies = list(CaseMessage.objects.filter(case=case).values_list("body", flat=True))
    assert CUSTOMER_MESSAGE not in bodies
    assert AGENT_REPLY in bodies and INTERNAL_NOTE in bodies  # the support record stays
    world.answered.refresh_from_db()
    assert not world.answered.is_escalated


def test_deleting_keeps_satisfaction_scores_but_erases_their_comments(
    world: PrivacyWorld,
) -> None:
    delete(world)

    (answer,) = Satisfaction.objects.filter(respondent=world.member)
    assert (answer.score, answer.comment) == (5, "")
    assert SATISFACTION_COMMENT not in json.dumps(
        selectors.member_data_export(member=Member.objects.get(pk=world.member.pk))
    )


def test_deleting_keeps_content_ledger_and_statements_consistent(world: PrivacyWorld) -> None:
    ledger_before = list(
        LedgerEntry.objects.filter(member=world.member).values_list("pk", "points")
    )
    assert rebuild_check() == "0 differences from the ledger."

    delete(world)

    assert Thread.objects.filter(author=world.member).count() == 2
    assert Post.objects.filter(author=world.member).count() == 1
    assert (
        list(LedgerEntry.objects.filter(member=world.member).values_list("pk", "points"))
        == ledger_before
    )
    assert Statement.objects.filter(pk=world.statement.pk, member=world.member).exists()
    assert rebuild_check() == "0 differences from the ledger."


def test_a_deleted_member_leaves_the_leaderboards(world: PrivacyWorld) -> None:
    def names() -> set[str]:
        return {row.member.username for row in leaderboard(period="all").rows}

    assert "olive" in names()
    delete(world)
    assert names() == {"hugo"}


def test_removing_content_deletes_what_the_rules_allow_and_reverses_its_points(
    world: PrivacyWorld,
) -> None:
    delete(world, remove_content=True)

    # The question nobody answered and the answer that isn't a solution are gone; the
    # question others answered stays (their answer and solution depend on it).
    assert not Thread.objects.filter(pk=world.unanswered.pk).exists()
    assert not Post.objects.filter(pk=world.own_answer.pk).exists()
    assert Thread.objects.filter(pk=world.answered.pk, author=world.member).exists()
    assert LedgerEntry.objects.filter(member=world.member, reason="content_removed").exists()
    assert rebuild_check() == "0 differences from the ledger."


def test_deleting_twice_changes_nothing_the_second_time(world: PrivacyWorld) -> None:
    assert delete(world) is True
    member = Member.objects.get(pk=world.member.pk)
    moderator = moderator_make()

    assert services.member_delete(member=member, actor=moderator) is False
    assert Member.objects.get(pk=member.pk).deleted_at == member.deleted_at


def test_a_wrong_password_deletes_nothing(world: PrivacyWorld) -> None:
    for password in ("wrong-password", "", None):
        with pytest.raises(ValidationError) as error:
            services.member_delete(member=world.member, actor=world.member, password=password)
        assert error.value.message_dict == {"password": ["That is not your password."]}
    member = Member.objects.get(pk=world.member.pk)
    assert member.username == "olive" and member.deleted_at is None


def test_only_moderators_delete_another_members_account(world: PrivacyWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.member_delete(member=world.member, actor=world.helper)
    assert Member.objects.get(pk=world.member.pk).deleted_at is None


def test_staff_accounts_lose_their_roles_before_they_can_be_deleted(world: PrivacyWorld) -> None:
    with pytest.raises(Conflict):
        services.member_delete(member=world.agent, actor=world.agent, password=PASSWORD)
    assert Member.objects.get(pk=world.agent.pk).deleted_at is None


def test_nobody_can_sign_up_with_a_deleted_accounts_username(world: PrivacyWorld) -> None:
    response = Client().post(
        "/accounts/signup/",
        {
            "username": "deleted-99",
            "email": "new@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "Usernames can" in response.content.decode()
    assert not Member.objects.filter(username="deleted-99").exists()
