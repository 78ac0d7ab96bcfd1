"""New questions for the members who follow a board, a tag or an author."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community import services
from community.models import HiddenReason, Member
from notifications.models import Channel, Kind, Preference
from notifications.realtime import member_group
from tests.builders import ask, board_make, member_make
from tests.community.page_factories import tag_make
from tests.notifications.kinds_helpers import (
    PHONE,
    Deliveries,
    assert_message,
    mark,
    only,
    recipients,
    record_deliveries,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliveries(monkeypatch: pytest.MonkeyPatch) -> Deliveries:
    return record_deliveries(monkeypatch)


def test_a_new_question_tells_the_followers_of_its_board_tag_and_author_once_each(
    asker: Member, helper: Member, outsider: Member
) -> None:
    board = board_make("network", "Network & Coverage")
    tag_make("esim", "eSIM")
    by_board, by_tag, by_author, by_all = (
        member_make(n) for n in ("byboard", "bytag", "byauthor", "byall")
    )
    services.follow_create(member=by_board, board=board)
    services.follow_create(member=by_tag, tag=tag_make("roaming", "Roaming"))
    services.follow_create(member=by_author, author=asker)
    for place in ({"board": board}, {"author": asker}):
        services.follow_create(member=by_all, **place)
    services.follow_create(member=by_all, tag=tag_make("billing", "Billing"))
    services.follow_create(member=outsider, board=board_make())  # elsewhere

    thread = ask(asker, board, title="No signal since Monday", tags=["roaming", "billing"])

    assert recipients(Kind.NEW_THREAD) == {"byboard", "bytag", "byauthor", "byall"}
    notification = only(by_all, Kind.NEW_THREAD)
    assert notification.url == thread.get_absolute_url()
    assert_message(notification, "Anna Asker", "No signal since Monday", "Network & Coverage")


def test_the_author_is_never_told_of_their_own_question(asker: Member) -> None:
    board = board_make()
    services.follow_create(member=asker, board=board)

    ask(asker, board)

    assert recipients(Kind.NEW_THREAD) == set()


def test_a_member_mentioned_in_the_question_hears_of_it_once_as_a_mention(
    asker: Member, helper: Member
) -> None:
    board = board_make()
    services.follow_create(member=helper, board=board)

    ask(asker, board, body="My phone lost signal. @helper had the same last week, any idea?")

    assert recipients(Kind.MENTION) == {"helper"}
    assert recipients(Kind.NEW_THREAD) == set()


def test_a_question_held_for_personal_data_tells_no_follower(asker: Member, helper: Member) -> None:
    board = board_make()
    services.follow_create(member=helper, board=board)

    thread = ask(asker, board, body=f"Please call me back on {PHONE}, my line is dead.")

    thread.refresh_from_db()
    assert thread.hidden_reason == HiddenReason.SENSITIVE
    assert recipients(Kind.NEW_THREAD) == set()


def test_unfollowing_stops_the_news(asker: Member, helper: Member) -> None:
    board = board_make()
    services.follow_create(member=helper, board=board)
    ask(asker, board)
    assert services.follow_delete(member=helper, board=board) is True
    before = mark()

    ask(asker, board)

    assert recipients(Kind.NEW_THREAD, after=before) == set()


def test_the_followers_channels_are_respected_and_pushes_wait_for_the_commit(
    asker: Member, deliveries: Deliveries, django_capture_on_commit_callbacks: Any
) -> None:
    board = board_make()
    site, email, none = member_make("site"), member_make("email"), member_make("none")
    for member in (site, email, none):
        services.follow_create(member=member, board=board)
    Preference.objects.create(member=email, kind=Kind.NEW_THREAD, channel=Channel.EMAIL)
    Preference.objects.create(member=none, kind=Kind.NEW_THREAD, channel=Channel.NONE)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ask(asker, board)
    assert deliveries.pushes == []
    for callback in callbacks:
        callback()

    assert recipients(Kind.NEW_THREAD) == {"site", "email"}
    assert not only(site, Kind.NEW_THREAD).read
    assert only(email, Kind.NEW_THREAD).read  # history on the site; the digest emails it
    pushed = deliveries.new_notifications()
    assert pushed.get(member_group(site.pk)) == {only(site, Kind.NEW_THREAD).pk}
    assert member_group(email.pk) not in pushed
    assert deliveries.emails == []


def test_deactivated_followers_are_not_told(asker: Member, helper: Member) -> None:
    board = board_make()
    services.follow_create(member=helper, board=board)
    helper.is_active = False
    helper.save(update_fields=["is_active"])

    ask(asker, board)

    assert recipients(Kind.NEW_THREAD) == set()


def _queries_to_ask(author: Member, board: Any) -> int:
    with CaptureQueriesContext(connection) as context:
        ask(author, board, tags=["esim"])
    return len(context.captured_queries)


def test_asking_costs_the_same_queries_for_20_or_200_followers(asker: Member) -> None:
    tag_make("esim", "eSIM")
    crowd = [member_make() for _ in range(200)]
    small, big = board_make(), board_make()
    for member in crowd[:20]:
        services.follow_create(member=member, board=small)
    for i, member in enumerate(crowd):
        # By board, by tag and by author at once for some: deduplicated in the same query.
        services.follow_create(member=member, board=big)
        if i % 3 == 0:
            services.follow_create(member=member, author=asker)
    Preference.objects.create(member=crowd[0], kind=Kind.NEW_THREAD, channel=Channel.EMAIL)
    _queries_to_ask(asker, board_make())  # warm: the first question also loads what is cached
    before = mark()

    few = _queries_to_ask(asker, small)
    many = _queries_to_ask(asker, big)

    assert len(recipients(Kind.NEW_THREAD, after=before)) == 200
    assert few == many
