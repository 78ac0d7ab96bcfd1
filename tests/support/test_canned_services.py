"""Canned replies: who writes and changes them, what they may say, and filling them in.

Personal replies are their author's alone; shared ones every agent's to use, their author's
and admins' to change. Placeholders are {customer_name} and {thread_title}; anything else in
braces that reads as a name is refused when saved, never sent to a customer as it stands.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from community.models import Member
from support.canned.models import CannedReply
from support.canned.placeholders import placeholder_values, placeholders_fill, placeholders_unknown
from support.canned.selectors import (
    canned_replies_for_agent,
    canned_replies_for_case,
    canned_reply_get_for_viewer,
)
from support.canned.services import (
    canned_reply_can_edit,
    canned_reply_create,
    canned_reply_delete,
    canned_reply_update,
)
from tests.builders import agent_make, ask
from tests.factories import MemberFactory
from tests.support.cases_helpers import escalate

pytestmark = pytest.mark.django_db

GREETING = "Hello {customer_name}, thanks for writing about “{thread_title}”."


def admin_make() -> Member:
    return MemberFactory.create(username="root", is_staff=True, is_superuser=True)


def test_an_agent_writes_a_personal_reply_trimmed() -> None:
    agent = agent_make("agnes")

    reply = canned_reply_create(
        author=agent, title="  Greeting ", body=f" {GREETING}\n", shared=False
    )

    assert (reply.title, reply.body, reply.shared, reply.author) == (
        "Greeting",
        GREETING,
        False,
        agent,
    )


@pytest.mark.parametrize(
    ("title", "body", "field"),
    [
        ("", GREETING, "title"),
        ("   ", GREETING, "title"),
        ("Greeting", "", "body"),
        ("Greeting", "Hello {foo}", "body"),
        ("Greeting", "Hello {Customer_Name}", "body"),
        ("T" * 121, GREETING, "title"),
        ("Greeting", "x" * 5001, "body"),
    ],
)
def test_bad_input_is_refused_on_its_field(title: str, body: str, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        canned_reply_create(author=agent_make(), title=title, body=body, shared=True)

    assert field in error.value.message_dict
    assert not CannedReply.objects.exists()


def test_an_unknown_placeholder_is_named_with_the_ones_that_work() -> None:
    with pytest.raises(ValidationError) as error:
        canned_reply_create(
            author=agent_make(), title="Oops", body="Hi {customr_name} {foo} {foo}", shared=False
        )

    [message] = error.value.message_dict["body"]
    assert "{customr_name}, {foo}" in message
    assert "{customer_name}" in message and "{thread_title}" in message


def test_braces_that_are_not_a_name_are_ordinary_text() -> None:
    assert placeholders_unknown("Use { } or {1,2} or a lone { brace") == []
    assert placeholders_unknown("{customer_name} {thread_title} {x}") == ["x"]


def test_customers_and_moderators_have_no_canned_replies(asker: Member, moderator: Member) -> None:
    for member in (asker, moderator):
        with pytest.raises(PermissionDenied):
            canned_reply_create(author=member, title="Hi", body="Hello", shared=True)


def test_an_agent_sees_their_own_and_the_shared_replies_but_not_others_personal_ones() -> None:
    agnes, bruno = agent_make("agnes"), agent_make("bruno")
    own = canned_reply_create(author=agnes, title="b mine", body="Mine", shared=False)
    shared = canned_reply_create(author=bruno, title="A shared", body="Ours", shared=True)
    private = canned_reply_create(author=bruno, title="c his", body="His", shared=False)

    assert list(canned_replies_for_agent(agent=agnes)) == [shared, own]
    assert canned_reply_get_for_viewer(reply_id=shared.pk, viewer=agnes) == shared
    with pytest.raises(Http404):
        canned_reply_get_for_viewer(reply_id=private.pk, viewer=agnes)


def test_a_shared_reply_is_changed_by_its_author_and_admins_only() -> None:
    agnes, bruno, admin = agent_make("agnes"), agent_make("bruno"), admin_make()
    shared = canned_reply_create(author=bruno, title="Refund", body="Refunded.", shared=True)

    with pytest.raises(PermissionDenied):
        canned_reply_update(reply=shared, actor=agnes, title="Mine now")
    with pytest.raises(PermissionDenied):
        canned_reply_delete(reply=shared, actor=agnes)
    updated = canned_reply_update(reply=shared, actor=admin, body="Refunded today.")
    canned_reply_update(reply=shared, actor=bruno, title="Refund done")

    shared.refresh_from_db()
    assert (updated.body, shared.title, shared.body) == (
        "Refunded today.",
        "Refund done",
        "Refunded today.",
    )
    assert shared.updated_at > shared.created_at


def test_a_personal_reply_is_its_authors_alone_even_for_admins() -> None:
    agnes, admin = agent_make("agnes"), admin_make()
    personal = canned_reply_create(author=agnes, title="Mine", body="Mine.", shared=False)

    assert not canned_reply_can_edit(reply=personal, member=admin)
    with pytest.raises(PermissionDenied):
        canned_reply_delete(reply=personal, actor=admin)

    canned_reply_delete(reply=personal, actor=agnes)
    assert not CannedReply.objects.exists()


def test_an_update_is_checked_like_a_new_reply_and_changes_nothing_when_refused() -> None:
    agnes = agent_make("agnes")
    reply = canned_reply_create(author=agnes, title="Hi", body="Hello", shared=False)

    with pytest.raises(ValidationError):
        canned_reply_update(reply=reply, actor=agnes, body="Hello {name}", shared=True)

    reply.refresh_from_db()
    assert (reply.body, reply.shared) == ("Hello", False)


def test_a_reply_is_filled_in_with_the_customer_and_the_question_of_the_case(
    asker: Member,
) -> None:
    agent = agent_make("agnes")
    case = escalate(ask(asker, title="My eSIM will not activate"))
    canned_reply_create(author=agent, title="Greeting", body=GREETING, shared=True)

    [item] = canned_replies_for_case(agent=agent, case=case)

    assert item.text == "Hello Anna Asker, thanks for writing about “My eSIM will not activate”."
    assert item.can_edit


def test_filling_in_replaces_only_the_two_placeholders(asker: Member) -> None:
    case = escalate(ask(asker, title="Roaming {customer_name}"))
    values = placeholder_values(case)

    # The title's own braces are text, not a second round of placeholders.
    assert placeholders_fill("{thread_title}: {customer_name} {0} {x}", values) == (
        "Roaming {customer_name}: Anna Asker {0} {x}"
    )
