"""Holding questions and answers that contain personal data, in the transaction that
writes them: out of public view, visible to the author with the reason, a private case."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.db import transaction
from django.http import Http404
from django.test import Client

from community import events as community_events
from community import selectors, services
from community.models import HiddenReason, Member, Post, Thread
from support.cases.models import Case, CaseReason
from support.moderation import services as moderation
from support.moderation.models import ModerationAction
from tests.builders import answer, api_client, ask, board_make, logged_in
from tests.support.moderation_factories import moderation_announced

PHONE_QUESTION = "My phone was cut off, please call me back on 07700 900123 today, thanks."
CARD_ANSWER = "I paid with card 4111 1111 1111 1111 and still have no credit."


@pytest.fixture
def thread(asker: Member) -> Thread:
    return ask(asker, board_make(), title="Top-up did not arrive")


def test_a_question_with_a_phone_number_is_held_before_anyone_else_sees_it(
    asker: Member, outsider: Member, client: Client
) -> None:
    with moderation_announced() as announced:
        held = ask(asker, board_make(), title="Please call me back today", body=PHONE_QUESTION)

    held.refresh_from_db()
    assert held.hidden_reason == HiddenReason.SENSITIVE
    assert not selectors.thread_list().filter(pk=held.pk).exists()
    with pytest.raises(Http404):
        selectors.thread_get_for_viewer(thread_id=held.pk, viewer=outsider)
    assert client.get(held.get_absolute_url()).status_code == 404
    assert logged_in(outsider).get(held.get_absolute_url()).status_code == 404

    action = ModerationAction.objects.get(kind=ModerationAction.Kind.HOLD)
    assert action.actor is None
    assert action.member == asker
    assert action.thread == held
    assert action.data["found"] == ["phone"]
    assert "07700" not in str(action.data) + action.reason  # the data itself is never copied
    assert [call["action_id"] for call in announced.calls] == [action.pk]
    case = Case.objects.get(reason=CaseReason.SENSITIVE)
    assert (case.customer, case.thread) == (asker, held)
    assert action.data["case"] == case.pk


def test_the_author_still_sees_the_held_question_with_the_reason(asker: Member) -> None:
    held = ask(asker, board_make(), title="Please call me back today", body=PHONE_QUESTION)

    page = logged_in(asker).get(held.get_absolute_url())

    assert page.status_code == 200
    html = page.content.decode()
    # One notice says it all (what was found, who sees it, the private case), not three.
    assert html.count("notice-hidden") == 1
    assert "it looks like it contains a phone number" in html
    assert "Only you and the staff can see it now." in html
    assert "Open your private case" in html
    assert "Only you and the staff can see this question." not in html
    assert "An agent is on it." not in html
    assert "moderation-section" not in html  # no empty card around it


def test_asking_a_question_that_is_held_does_not_say_it_is_posted(asker: Member) -> None:
    board = board_make()
    client = logged_in(asker)

    response = client.post(
        "/ask/",
        {"board": board.slug, "title": "Please call me back today", "body": PHONE_QUESTION},
        follow=True,
    )

    html = response.content.decode()
    assert Thread.objects.get(title="Please call me back today").is_hidden
    assert "Your question is posted" not in html
    assert html.count("notice-hidden") == 1


def test_an_agent_still_sees_the_case_of_a_held_question(asker: Member, agent: Member) -> None:
    held = ask(asker, board_make(), title="Please call me back today", body=PHONE_QUESTION)

    html = logged_in(agent).get(held.get_absolute_url()).content.decode()

    assert "An agent is on it." in html
    assert str(HiddenReason.SENSITIVE.label) in html


def test_an_answer_with_a_card_number_is_held_for_others_but_not_its_author(
    thread: Thread, helper: Member, outsider: Member, asker: Member
) -> None:
    post = answer(helper, thread, body=CARD_ANSWER)

    post.refresh_from_db()
    assert post.hidden_reason == HiddenReason.SENSITIVE
    assert not selectors.thread_answers(thread=thread, viewer=outsider).exists()
    assert not selectors.thread_answers(thread=thread, viewer=asker).exists()
    assert selectors.thread_answers(thread=thread, viewer=helper).get() == post
    html = logged_in(helper).get(thread.get_absolute_url()).content.decode()
    assert "Only you and the staff can see this answer." in html
    assert "4111 1111" not in logged_in(outsider).get(thread.get_absolute_url()).content.decode()
    # The case is the answerer's own: the asker's question stays with the community.
    case = Case.objects.get(reason=CaseReason.SENSITIVE)
    assert (case.customer, case.thread) == (helper, None)
    thread.refresh_from_db()
    assert not thread.is_hidden
    assert not thread.is_escalated


def test_the_hold_happens_inside_the_writing_transaction_and_rolls_back_with_it(
    thread: Thread, helper: Member
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        post = answer(helper, thread, body=CARD_ANSWER)
        assert Post.objects.get(pk=post.pk).hidden_reason == HiddenReason.SENSITIVE
        assert ModerationAction.objects.filter(kind=ModerationAction.Kind.HOLD).exists()
        raise RuntimeError("the write fails later")

    assert not Post.objects.exists()
    assert not ModerationAction.objects.exists()
    assert not Case.objects.exists()


def test_an_edit_that_adds_an_iban_holds_the_answer(thread: Thread, helper: Member) -> None:
    post = answer(helper, thread, body="Ask the shop for a refund, it worked for me.")
    assert not post.is_hidden

    services.post_update(
        post=post, editor=helper, body="Send it to my account GB82 WEST 1234 5698 7654 32 please."
    )

    post.refresh_from_db()
    assert post.hidden_reason == HiddenReason.SENSITIVE
    assert ModerationAction.objects.get(kind=ModerationAction.Kind.HOLD).data["found"] == ["iban"]


def test_an_edited_title_with_an_email_holds_the_question(thread: Thread, asker: Member) -> None:
    services.thread_update(thread=thread, editor=asker, title="Write to me: anna.asker@gmail.com")

    thread.refresh_from_db()
    assert thread.hidden_reason == HiddenReason.SENSITIVE


def test_a_released_answer_is_not_held_again_for_the_same_number(
    thread: Thread, helper: Member, moderator: Member
) -> None:
    post = answer(helper, thread, body="Our shop's number is 020 7946 0958, ask for Sam.")
    moderation.moderation_content_restore(
        actor=moderator, post=post, reason="A shop's public number"
    )

    services.post_update(
        post=post, editor=helper, body="Our shop's number is 020 7946 0958, ask for Sam or Jo."
    )

    post.refresh_from_db()
    assert not post.is_hidden
    assert ModerationAction.objects.filter(kind=ModerationAction.Kind.HOLD).count() == 1


def test_an_agent_may_release_a_hold_but_not_hide_anything(
    thread: Thread, helper: Member, agent: Member
) -> None:
    post = answer(helper, thread, body=CARD_ANSWER)

    moderation.moderation_content_restore(actor=agent, post=post)

    post.refresh_from_db()
    assert not post.is_hidden
    with pytest.raises(moderation.PermissionDenied):
        moderation.moderation_content_hide(actor=agent, post=post)


def test_staff_answers_with_the_companys_numbers_are_not_held(
    thread: Thread, agent: Member
) -> None:
    post = answer(agent, thread, body="Call our team on 020 7946 0958 or write to help@mutua.io.")

    post.refresh_from_db()
    assert not post.is_hidden
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "My bill is £12.50 but I was charged £15.00 on 2024-01-15, order 1234-5678.",
        "After the update to version 17.4.1 the phone restarts every 10 minutes.",
        "I called 0800 123 4567 on 15/01/2024 at 10:30 and waited 25 minutes.",
        "My router at 192.168.1.254 shows error 0x80070005; IMEI 356938035643809.",
    ],
)
def test_ordinary_support_questions_are_never_held(asker: Member, body: str) -> None:
    thread = ask(asker, board_make(), title="Something went wrong", body=body)

    thread.refresh_from_db()
    assert not thread.is_hidden
    assert not ModerationAction.objects.exists()


def test_an_answer_posted_through_the_api_is_held_and_the_author_gets_it_back(
    thread: Thread, helper: Member
) -> None:
    response = logged_in(helper).post(
        f"/api/v1/threads/{thread.pk}/posts/",
        {"body": "Email me at hugo.helper@gmail.com and I'll send you the steps."},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert Post.objects.get(pk=response.json()["id"]).hidden_reason == HiddenReason.SENSITIVE
    assert Case.objects.filter(customer=helper, reason=CaseReason.SENSITIVE).exists()


def test_whoever_hears_of_a_new_answer_hears_of_it_already_held(
    thread: Thread, helper: Member
) -> None:
    # The hold is a content check the posting service runs before it announces the answer,
    # so the first receiver of post_created (here, one connected ahead of every app's) sees
    # it held: no listener depends on the order of INSTALLED_APPS.
    seen: list[str] = []

    def first_listener(*, post_id: int, **kwargs: object) -> None:
        seen.append(Post.objects.get(pk=post_id).hidden_reason)

    receivers = community_events.post_created.receivers
    community_events.post_created.connect(first_listener, dispatch_uid="test.first_listener")
    # Move it to the front, ahead of the apps' receivers.
    community_events.post_created.receivers = [receivers[-1], *receivers[:-1]]
    community_events.post_created.sender_receivers_cache.clear()
    try:
        answer(helper, thread, body="Ring me on 07700 900123 and I'll walk you through it.")
    finally:
        community_events.post_created.disconnect(dispatch_uid="test.first_listener")

    assert seen == [HiddenReason.SENSITIVE]


def test_the_case_of_a_held_answer_names_its_thread_and_board(
    asker: Member, helper: Member, agent: Member
) -> None:
    question = ask(asker, board_make(name="Billing & Payments"), title="Charged twice for May")
    held = answer(helper, question, body="Call me on 07700 900123 and I'll sort it out for you.")
    case = Case.objects.get(customer=helper, reason=CaseReason.SENSITIVE)

    assert case.post_id == held.pk
    assert case.thread_id is None  # the question stays the community's, not escalated
    data = api_client(helper).get(f"/api/v1/cases/{case.pk}/").json()
    assert data["post"] == held.pk
    assert data["thread_title"] == "Charged twice for May"
    assert data["board"] == "Billing & Payments"
    listed = api_client(agent).get("/api/v1/cases/").json()["results"]
    assert {(c["id"], c["thread_title"]) for c in listed} >= {(case.pk, "Charged twice for May")}

    customer_page = logged_in(helper).get(case.get_absolute_url()).content.decode()
    assert "About your answer to" in customer_page
    assert "Charged twice for May" in customer_page
    assert "Billing &amp; Payments" in customer_page
    agent_page = logged_in(agent).get(case.get_absolute_url()).content.decode()
    assert "Charged twice for May" in agent_page
    assert "Billing &amp; Payments" in agent_page
    queue = logged_in(agent).get("/support/").content.decode()
    assert "Charged twice for May" in queue


def test_the_migration_links_existing_held_answer_cases_to_their_answers(
    asker: Member, helper: Member
) -> None:
    from django.apps import apps

    link = import_module("support.migrations.0002_case_post").cases_link_held_answers
    held = answer(helper, ask(asker, board_make()), body="Call me on 07700 900123, I can help.")
    case = Case.objects.get(customer=helper, reason=CaseReason.SENSITIVE)
    Case.objects.filter(pk=case.pk).update(post=None)  # as cases were before

    link(apps, None)

    case.refresh_from_db()
    assert case.post_id == held.pk
    assert case.thread_id is None
