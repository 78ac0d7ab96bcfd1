"""Who hears about answers, replies, mentions, kudos and solutions, and who doesn't.

Each test drives the community's real services inside the test's transaction and compares
the exact set of members holding a notification of the kind.
"""

from __future__ import annotations

import pytest

from community import services
from community.models import Member
from notifications import services as services_notifications
from notifications.models import Channel, Kind
from notifications.services import notifications_mark_read
from tests.builders import answer, ask, board_make, member_make
from tests.notifications.kinds_helpers import (
    PHONE,
    assert_message,
    kinds_of,
    mark,
    of,
    only,
    recipients,
)

pytestmark = pytest.mark.django_db


# --- answer ---------------------------------------------------------------------------------


def test_an_answer_tells_the_asker_and_nobody_else(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="My phone will not charge")

    post = answer(helper, thread)

    assert recipients(Kind.ANSWER) == {"asker"}
    notification = only(asker, Kind.ANSWER)
    assert notification.url == post.get_absolute_url()
    assert notification.actor == helper
    assert not notification.read
    assert_message(notification, "Hugo Helper", "My phone will not charge")
    assert kinds_of(helper) == set()
    assert kinds_of(outsider) == set()


def test_the_asker_answering_their_own_question_is_told_nothing(
    asker: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())

    answer(asker, thread)

    assert recipients(Kind.ANSWER) == set()
    assert kinds_of(asker) == set()
    assert kinds_of(outsider) == set()


def test_an_answer_held_for_personal_data_tells_neither_the_asker_nor_the_followers(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())
    follower = member_make("follower")
    services.subscription_create(member=follower, thread=thread)

    post = answer(helper, thread, body=f"Call me on {PHONE} and I will walk you through it.")

    post.refresh_from_db()
    assert post.is_hidden
    assert recipients(Kind.ANSWER) == set()
    assert recipients(Kind.REPLY) == set()
    # Its author hears why it is held (and of the private case); nobody else hears anything.
    assert kinds_of(helper) == {Kind.MODERATION, Kind.CASE_OPENED}
    assert kinds_of(asker) == set()
    assert kinds_of(follower) == set()
    assert kinds_of(outsider) == set()


# --- reply ----------------------------------------------------------------------------------


def test_a_reply_tells_the_followers_but_not_the_asker_the_author_or_the_mentioned(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="Roaming stopped working abroad")
    follower = member_make("follower")
    services.subscription_create(member=follower, thread=thread)
    earlier = member_make("earlier")
    answer(earlier, thread)  # answering follows the thread
    mentioned = member_make("mentioned")
    services.subscription_create(member=mentioned, thread=thread)
    before = mark()

    post = answer(helper, thread, body="Switch data roaming on in settings, @mentioned knows.")

    assert recipients(Kind.REPLY, after=before) == {"follower", "earlier"}
    for member in (follower, earlier):
        notification = only(member, Kind.REPLY, after=before)
        assert notification.url == post.get_absolute_url()
        assert notification.actor == helper
        assert_message(notification, "Hugo Helper", "Roaming stopped working abroad")
    # The asker hears of it as an answer, the mentioned member as a mention: once each.
    assert kinds_of(asker, after=before) == {Kind.ANSWER}
    assert kinds_of(mentioned, after=before) == {Kind.MENTION}
    assert of(helper) == []
    assert of(outsider) == []


def test_unfollowing_a_thread_stops_the_replies(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())
    follower = member_make("follower")
    services.subscription_create(member=follower, thread=thread)
    answer(helper, thread)
    assert recipients(Kind.REPLY) == {"follower"}

    assert services.subscription_delete(member=follower, thread=thread)
    answer(outsider, thread)

    # The helper follows since answering; the one who unfollowed hears nothing new.
    assert [n.actor for n in of(follower, Kind.REPLY)] == [helper]
    assert [n.actor for n in of(helper, Kind.REPLY)] == [outsider]
    assert recipients(Kind.REPLY) == {"follower", "helper"}


def test_nobody_is_told_of_their_own_reply(asker: Member, helper: Member) -> None:
    thread = ask(asker, board_make())
    answer(helper, thread)

    answer(helper, thread)  # the helper follows the thread, and adds a second answer

    assert of(helper) == []
    assert recipients(Kind.REPLY) == set()


# --- mention --------------------------------------------------------------------------------


def test_a_mention_in_a_question_tells_the_member_mentioned(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(
        asker,
        board_make(),
        title="Top-up not arriving on my account",
        body="@helper you fixed this for my friend, what did you do? I paid an hour ago.",
    )

    assert recipients(Kind.MENTION) == {"helper"}
    notification = only(helper, Kind.MENTION)
    assert notification.url == thread.get_absolute_url()
    assert notification.actor == asker
    assert_message(notification, "Anna Asker", "Top-up not arriving on my account")
    assert kinds_of(outsider) == set()
    assert kinds_of(asker) == set()


def test_a_mention_in_an_answer_tells_the_member_mentioned(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="Voicemail keeps calling me back")
    colleague = member_make("colleague", display_name="Carla Colleague")

    post = answer(helper, thread, body="Turn off the callback, @colleague wrote a guide on it.")

    assert recipients(Kind.MENTION) == {"colleague"}
    notification = only(colleague, Kind.MENTION)
    assert notification.url == post.get_absolute_url()
    assert_message(notification, "Hugo Helper", "Voicemail keeps calling me back")
    assert kinds_of(outsider) == set()


def test_an_answer_that_mentions_the_asker_tells_her_once(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="Voicemail keeps calling me back")

    post = answer(helper, thread, body="@asker turn off the callback in the voicemail menu.")

    # One event, one notification: the answer, not the answer and a mention of it.
    assert [n.kind for n in of(asker)] == [Kind.ANSWER]
    assert only(asker, Kind.ANSWER).url == post.get_absolute_url()
    assert recipients(Kind.MENTION) == set()


def test_an_asker_who_turned_answers_off_still_hears_she_is_mentioned(
    asker: Member, helper: Member
) -> None:
    services_notifications.preference_set(
        member_id=asker.pk, kind=Kind.ANSWER, channel=Channel.NONE
    )
    thread = ask(asker, board_make())

    answer(helper, thread, body="@asker turn off the callback in the voicemail menu.")

    assert [n.kind for n in of(asker)] == [Kind.MENTION]


def test_mentioning_yourself_tells_nobody(asker: Member, outsider: Member) -> None:
    thread = ask(asker, board_make(), body="I am @asker and my phone will not charge at all.")
    answer(asker, thread, body="Update from @asker: still not charging.")

    assert recipients(Kind.MENTION) == set()
    assert kinds_of(outsider) == set()


def test_a_mention_in_a_question_held_for_personal_data_tells_nobody(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), body=f"@helper please call me on {PHONE} about my bill.")

    thread.refresh_from_db()
    assert thread.is_hidden
    assert recipients(Kind.MENTION) == set()
    assert kinds_of(helper) == set()
    assert kinds_of(outsider) == set()


def test_a_mention_in_an_answer_held_for_personal_data_tells_nobody(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())

    post = answer(helper, thread, body=f"@outsider can help too, or ring me on {PHONE}.")

    post.refresh_from_db()
    assert post.is_hidden
    assert recipients(Kind.MENTION) == set()
    assert kinds_of(outsider) == set()


def test_a_mention_in_an_answer_to_a_held_question_tells_nobody(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), body=f"My number is {PHONE}, why is it barred?")

    answer(helper, thread, body="Hello, @outsider had the same problem last week.")

    assert recipients(Kind.MENTION) == set()
    assert kinds_of(outsider) == set()


def test_an_edit_that_adds_a_mention_tells_only_the_newly_mentioned(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())
    post = answer(helper, thread, body="Try a new cable, @outsider suggested it.")
    assert recipients(Kind.MENTION) == {"outsider"}
    colleague = member_make("colleague")

    services.post_update(
        post=post, editor=helper, body="Try a new cable, @outsider and @colleague suggested it."
    )

    assert recipients(Kind.MENTION) == {"outsider", "colleague"}
    assert len(of(outsider, Kind.MENTION)) == 1  # already told: not again
    assert only(colleague, Kind.MENTION).url == post.get_absolute_url()


def test_an_edit_that_adds_a_mention_and_personal_data_tells_nobody(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())
    post = answer(helper, thread)

    services.post_update(post=post, editor=helper, body=f"Ask @outsider, or call me on {PHONE}.")

    post.refresh_from_db()
    assert post.is_hidden
    assert recipients(Kind.MENTION) == set()
    assert kinds_of(outsider) == set()


def test_an_edit_of_a_question_that_adds_a_mention_tells_the_member(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="Bill is higher than usual")

    services.thread_update(
        thread=thread, editor=asker, body="@helper my bill doubled this month, any idea why?"
    )

    assert recipients(Kind.MENTION) == {"helper"}
    assert only(helper, Kind.MENTION).url == thread.get_absolute_url()
    assert kinds_of(outsider) == set()


# --- kudos ----------------------------------------------------------------------------------


def test_three_kudos_on_an_answer_make_one_unread_notification_that_counts_them(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="Cannot send pictures by MMS")
    post = answer(helper, thread)
    givers = [member_make("giver1"), member_make("giver2")]
    last = member_make("giver3", display_name="Gina Giver")

    for giver in [*givers, last]:
        services.kudos_give(giver=giver, post=post)

    assert recipients(Kind.KUDOS) == {"helper"}
    notification = only(helper, Kind.KUDOS)
    assert notification.count == 3
    assert not notification.read
    assert notification.actor == last
    assert notification.url == post.get_absolute_url()
    assert_message(notification, "Gina Giver and 2 others gave kudos", "Cannot send pictures")
    for member in (asker, outsider, *givers, last):
        assert kinds_of(member) == (set() if member != asker else {Kind.ANSWER})


def test_after_the_kudos_notification_is_read_new_kudos_start_a_new_one(
    asker: Member, helper: Member
) -> None:
    post = answer(helper, ask(asker, board_make()))
    services.kudos_give(giver=member_make("giver1"), post=post)
    services.kudos_give(giver=member_make("giver2"), post=post)
    first = only(helper, Kind.KUDOS)
    notifications_mark_read(member_id=helper.pk, ids=[first.pk])

    services.kudos_give(giver=member_make("giver3", display_name="Third Giver"), post=post)

    newest, older = of(helper, Kind.KUDOS)
    assert (older.pk, older.count, older.read) == (first.pk, 2, True)
    assert (newest.count, newest.read) == (1, False)
    assert_message(newest, "Third Giver gave kudos to your post")


def test_kudos_on_a_question_tell_the_asker(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="eSIM transfer to a new phone")

    services.kudos_give(giver=helper, thread=thread)

    assert recipients(Kind.KUDOS) == {"asker"}
    notification = only(asker, Kind.KUDOS)
    assert notification.url == thread.get_absolute_url()
    assert_message(notification, "Hugo Helper gave kudos", "eSIM transfer to a new phone")
    assert kinds_of(helper) == set()
    assert kinds_of(outsider) == set()


def test_kudos_from_a_member_who_joined_today_still_notify(asker: Member, helper: Member) -> None:
    # The personas joined just now: their kudos pay no points, but they are still thanks.
    post = answer(helper, ask(asker, board_make()))

    services.kudos_give(giver=asker, post=post)

    assert recipients(Kind.KUDOS) == {"helper"}
    assert only(helper, Kind.KUDOS).actor == asker


def test_kudos_on_two_posts_are_two_notifications(asker: Member, helper: Member) -> None:
    thread = ask(asker, board_make())
    first, second = answer(helper, thread), answer(helper, thread)
    giver = member_make()

    services.kudos_give(giver=giver, post=first)
    services.kudos_give(giver=giver, post=second)

    assert sorted(n.url for n in of(helper, Kind.KUDOS)) == sorted(
        [first.get_absolute_url(), second.get_absolute_url()]
    )


# --- solution -------------------------------------------------------------------------------


def test_an_accepted_answer_tells_its_author(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make(), title="Wi-Fi calling greyed out")
    post = answer(helper, thread)

    services.solution_accept(thread=thread, post=post, actor=asker)

    assert recipients(Kind.SOLUTION) == {"helper"}
    notification = only(helper, Kind.SOLUTION)
    assert notification.url == post.get_absolute_url()
    assert notification.actor == asker
    assert_message(notification, "Anna Asker accepted your answer", "Wi-Fi calling greyed out")
    assert kinds_of(outsider) == set()


def test_an_agent_accepting_an_answer_tells_its_author(
    asker: Member, helper: Member, agent: Member
) -> None:
    thread = ask(asker, board_make())
    post = answer(helper, thread)

    services.solution_accept(thread=thread, post=post, actor=agent)

    assert recipients(Kind.SOLUTION) == {"helper"}
    assert only(helper, Kind.SOLUTION).actor == agent


def test_the_asker_accepting_their_own_answer_tells_nobody(
    asker: Member, helper: Member, outsider: Member
) -> None:
    thread = ask(asker, board_make())
    answer(helper, thread)
    own = answer(asker, thread, body="Solved it myself: a software update fixed it.")

    services.solution_accept(thread=thread, post=own, actor=asker)

    assert recipients(Kind.SOLUTION) == set()
    assert recipients(Kind.SATISFACTION) == set()
    assert kinds_of(outsider) == set()
