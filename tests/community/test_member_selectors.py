"""community.selectors for a member's profile and the API's sign-in, and the token service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from community import selectors, services
from community.models import HiddenReason, Member
from tests.builders import answer, ask, board_make, member_make
from tests.community.svc_factories import make_tag

pytestmark = pytest.mark.django_db


def test_member_answers_are_the_public_ones_newest_first(
    asker: Member, helper: Member, moderator: Member
) -> None:
    board = board_make()
    question = ask(asker, board)
    older = answer(helper, question, ago=timedelta(hours=2))
    newer = answer(helper, question, ago=timedelta(hours=1))
    held = answer(helper, question, body="Call me on 07700 900123 and I'll walk you through it.")
    services.content_hide(post=held, reason=HiddenReason.MODERATOR, actor_id=moderator.pk)
    hidden_question = ask(asker, board)
    under_hidden = answer(helper, hidden_question)
    services.content_hide(
        thread=hidden_question, reason=HiddenReason.MODERATOR, actor_id=moderator.pk
    )
    answer(asker, question)  # someone else's

    found = list(selectors.member_answers(member=helper))

    assert [p.pk for p in found] == [newer.pk, older.pk]
    assert under_hidden.pk not in {p.pk for p in found}
    assert found[0].thread.title == question.title  # selected with the answer


def test_the_profile_answers_tab_shows_no_hidden_answer(
    client: Client, asker: Member, helper: Member, moderator: Member
) -> None:
    question = ask(asker, board_make())
    answer(helper, question, body="Reset the network settings, then restart the phone.")
    held = answer(helper, question, body="My card is 4111 1111 1111 1111, charge it again.")
    services.content_hide(post=held, reason=HiddenReason.MODERATOR, actor_id=moderator.pk)

    response = client.get(f"/members/{helper.username}/?tab=answers")

    assert response.status_code == 200
    assert "Reset the network settings" in response.text
    assert "4111" not in response.text


def test_tag_list_is_every_tag_by_name(db: None) -> None:
    for slug in ("wifi-calling", "esim", "roaming"):
        make_tag(slug)

    assert [t.slug for t in selectors.tag_list()] == ["esim", "roaming", "wifi-calling"]


def test_member_email_verified_needs_a_confirmed_address(db: None) -> None:
    assert selectors.member_email_verified(member=member_make())
    assert not selectors.member_email_verified(member=member_make(verified=False))


def test_api_token_issue_gives_the_same_key_until_it_is_revoked(asker: Member) -> None:
    first = services.api_token_issue(member=asker)

    assert services.api_token_issue(member=asker) == first
    assert Token.objects.filter(user=asker).count() == 1
    Token.objects.filter(user=asker).delete()
    assert services.api_token_issue(member=asker) != first


def test_members_prime_groups_reads_every_members_role_in_one_query(
    django_assert_num_queries: object, helper: Member, agent: Member, moderator: Member
) -> None:
    members = list(Member.objects.filter(pk__in=[helper.pk, agent.pk, moderator.pk]))
    with django_assert_num_queries(1):  # type: ignore[operator]
        selectors.members_prime_groups(members)
        labels = {m.username: m.role_label for m in members}
    assert labels == {"helper": "", "agent": "Agent", "moderator": "Moderator"}
    with django_assert_num_queries(0):  # type: ignore[operator]
        selectors.members_prime_groups(members)  # known already: nothing asked again
