"""How each notification reaches its recipient: preferences, live pushes, email, Italian.

Plus a guard that every kind of notification has a test in tests/notifications/test_kinds_*.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import polib
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.core import mail
from django.db import transaction
from django.utils import translation

from community import services
from community.models import Member
from notifications import services as notification_services
from notifications.messages import message_for
from notifications.models import Channel, Kind, Notification, Preference
from notifications.realtime import member_group
from tests.builders import answer, ask, board_make, member_make
from tests.notifications.kinds_helpers import Deliveries, of, only, recipients, record_deliveries

pytestmark = pytest.mark.django_db

TESTS_DIR = Path(__file__).parent
PO_PATH = TESTS_DIR.parents[1] / "locale" / "it" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def deliveries(monkeypatch: pytest.MonkeyPatch) -> Deliveries:
    return record_deliveries(monkeypatch)


def prefer(member: Member, kind: str, channel: str) -> None:
    Preference.objects.update_or_create(member=member, kind=kind, defaults={"channel": channel})


# --- preferences ----------------------------------------------------------------------------


def test_a_kind_set_to_none_stores_nothing_pushes_nothing_and_emails_nothing(
    asker: Member, helper: Member, deliveries: Deliveries, django_capture_on_commit_callbacks: Any
) -> None:
    prefer(asker, Kind.ANSWER, Channel.NONE)
    thread = ask(asker, board_make())
    follower = member_make("follower")
    services.subscription_create(member=follower, thread=thread)

    with django_capture_on_commit_callbacks(execute=True):
        answer(helper, thread)

    assert recipients(Kind.ANSWER) == set()
    assert recipients(Kind.REPLY) == {"follower"}  # other members and kinds are unaffected
    assert member_group(asker.pk) not in deliveries.new_notifications()
    assert deliveries.emails == []


def test_a_kind_set_to_email_is_stored_read_and_emailed_after_commit_but_not_pushed(
    asker: Member, helper: Member, deliveries: Deliveries, django_capture_on_commit_callbacks: Any
) -> None:
    prefer(asker, Kind.ANSWER, Channel.EMAIL)
    thread = ask(asker, board_make())

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer(helper, thread)
    notification = only(asker, Kind.ANSWER)
    assert notification.read  # history, not something waiting on the site
    assert deliveries.emails == []  # nothing leaves before the commit

    for callback in callbacks:
        callback()

    assert deliveries.emails == [notification.pk]
    assert member_group(asker.pk) not in deliveries.new_notifications()


def test_a_kind_set_to_site_is_unread_and_pushed_but_not_emailed(
    asker: Member, helper: Member, deliveries: Deliveries, django_capture_on_commit_callbacks: Any
) -> None:
    prefer(asker, Kind.ANSWER, Channel.SITE)
    thread = ask(asker, board_make())

    with django_capture_on_commit_callbacks(execute=True):
        answer(helper, thread)

    notification = only(asker, Kind.ANSWER)
    assert not notification.read
    assert deliveries.emails == []
    assert deliveries.new_notifications()[member_group(asker.pk)] == {notification.pk}


def test_by_default_an_answer_is_unread_pushed_and_emailed(
    asker: Member, helper: Member, deliveries: Deliveries, django_capture_on_commit_callbacks: Any
) -> None:
    thread = ask(asker, board_make())

    with django_capture_on_commit_callbacks(execute=True):
        answer(helper, thread)

    notification = only(asker, Kind.ANSWER)
    assert not notification.read
    assert deliveries.emails == [notification.pk]
    assert deliveries.new_notifications()[member_group(asker.pk)] == {notification.pk}


def test_kinds_that_are_not_urgent_stay_on_the_site_by_default(
    asker: Member, helper: Member, deliveries: Deliveries, django_capture_on_commit_callbacks: Any
) -> None:
    post = answer(helper, ask(asker, board_make()))

    with django_capture_on_commit_callbacks(execute=True):
        services.kudos_give(giver=asker, post=post)

    notification = only(helper, Kind.KUDOS)
    assert not notification.read
    assert deliveries.emails == []  # the daily digest covers it
    # (The commit also evaluates the helper's badges: a badge may come along.)
    assert deliveries.new_notifications() == {member_group(helper.pk): {n.pk for n in of(helper)}}
    assert notification.pk in deliveries.new_notifications()[member_group(helper.pk)]


def test_email_only_for_a_digest_kind_is_stored_read_and_left_to_the_digest(
    asker: Member, helper: Member, deliveries: Deliveries, django_capture_on_commit_callbacks: Any
) -> None:
    prefer(helper, Kind.KUDOS, Channel.EMAIL)
    post = answer(helper, ask(asker, board_make()))

    with django_capture_on_commit_callbacks(execute=True):
        services.kudos_give(giver=asker, post=post)

    notification = only(helper, Kind.KUDOS)
    assert notification.read
    assert deliveries.emails == []
    pushed = set().union(*deliveries.new_notifications().values())
    assert notification.pk not in pushed


def test_the_email_task_really_sends_the_email_after_commit(
    asker: Member,
    helper: Member,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr("notifications.realtime.send_now", lambda group, message: True)
    thread = ask(asker, board_make(), title="Voicemail PIN forgotten")

    with django_capture_on_commit_callbacks(execute=True):
        answer(helper, thread)

    assert [message.to for message in mail.outbox] == [["asker@example.com"]]
    assert only(asker, Kind.ANSWER).emailed_at is not None


# --- live pushes ----------------------------------------------------------------------------


def test_pushes_go_after_commit_to_the_recipients_groups_only(
    asker: Member,
    helper: Member,
    outsider: Member,
    deliveries: Deliveries,
    django_capture_on_commit_callbacks: Any,
) -> None:
    thread = ask(asker, board_make())
    follower = member_make("follower")
    services.subscription_create(member=follower, thread=thread)
    mentioned = member_make("mentioned")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer(helper, thread, body="Reset the network settings, @mentioned did the same.")
    assert deliveries.pushes == []  # nothing before the commit

    for callback in callbacks:
        callback()

    expected = {
        member_group(member.pk): {n.pk for n in of(member)}
        for member in (asker, follower, mentioned)
    }
    assert all(expected.values())
    assert deliveries.new_notifications() == expected
    assert member_group(helper.pk) not in expected
    assert member_group(outsider.pk) not in expected


def test_a_rolled_back_action_pushes_nothing_and_leaves_no_notification(
    asker: Member, helper: Member, deliveries: Deliveries, django_capture_on_commit_callbacks: Any
) -> None:
    thread = ask(asker, board_make())

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        answer(helper, thread)
        raise RuntimeError("the request failed after the answer was written")

    assert Notification.objects.count() == 0
    assert deliveries.new_notifications() == {}
    assert deliveries.emails == []


async def _receive(channel: str, timeout: float = 0.5) -> dict[str, Any] | None:
    layer = get_channel_layer()
    assert layer is not None
    try:
        return await asyncio.wait_for(layer.receive(channel), timeout)
    except TimeoutError:
        return None


def test_the_channel_layer_delivers_the_push_to_the_recipient_and_not_to_others(
    asker: Member,
    helper: Member,
    outsider: Member,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(notification_services, "_email_on_commit", lambda notification_id: None)
    thread = ask(asker, board_make())

    def post_answer() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            answer(helper, thread)

    async def listen_while_answering() -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        # One event loop for the sockets and the push, as in a web process: the pub/sub
        # layer's subscriptions belong to the loop that made them.
        layer = get_channel_layer()
        assert layer is not None
        channels = {m.username: await layer.new_channel() for m in (asker, outsider)}
        for member in (asker, outsider):
            await layer.group_add(member_group(member.pk), channels[member.username])
        try:
            await sync_to_async(post_answer)()
            return await _receive(channels["asker"]), await _receive(channels["outsider"], 0.2)
        finally:
            for member in (asker, outsider):
                await layer.group_discard(member_group(member.pk), channels[member.username])

    heard, overheard = async_to_sync(listen_while_answering)()

    notification = only(asker, Kind.ANSWER)
    assert heard == {"type": "notification.new", "id": notification.pk}
    assert overheard is None


# --- Italian --------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _pattern(msgid: str) -> re.Pattern[str]:
    """A regex matching any rendering of a gettext template ("%(actor)s" matches anything)."""
    parts = PLACEHOLDER.split(msgid)
    # split() alternates literal text and placeholder names.
    return re.compile(
        "".join(re.escape(part) if i % 2 == 0 else ".+?" for i, part in enumerate(parts)),
        re.DOTALL,
    )


def _translated_msgid_for(message: str) -> str | None:
    """The msgid of the Italian catalogue's translated entry that rendered `message`."""
    for entry in polib.pofile(str(PO_PATH)):
        if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
            continue
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            if _pattern(msgid).fullmatch(message):
                return msgid
    return None


def _sample(kind: str, actor: Member) -> Notification:
    """An unsaved notification of `kind` with the data its receiver stores."""
    data: dict[str, dict[str, Any]] = {
        Kind.BADGE: {"badge_slug": "first-question"},
        Kind.RANK: {"rank": "Helper"},
        Kind.POINTS_REVERSED: {"points": 10, "reason_code": "kudos_withdrawn"},
        Kind.STATEMENT: {"amount": "6.00", "currency": "GBP", "points": 600},
        Kind.CASE_OPENED: {"case": 7},
        Kind.CASE_ASSIGNED: {"case": 7},
        Kind.CASE_REPLY: {"case": 7},
        Kind.CASE_RESOLVED: {"case": 7},
        Kind.CASE_SLA: {"case": 7},
        Kind.MODERATION: {"action_code": "hide", "reason": "Advertising"},
        Kind.TRENDING: {"what": "Outages"},
        Kind.WEBHOOK_DISABLED: {"url": "https://hooks.example.com/in", "failures": 10},
        Kind.DUPLICATE: {"title": "No signal", "original": "Signal lost"},
        Kind.NEW_THREAD: {"title": "Roaming stopped working", "board": "Network & Coverage"},
    }
    return Notification(
        recipient=actor,
        kind=kind,
        actor=actor,
        count=3 if kind == Kind.KUDOS else 1,
        data=data.get(kind, {"title": "Roaming stopped working"}),
    )


@pytest.mark.parametrize("kind", Kind.values)
def test_each_kind_reads_in_italian(kind: str, helper: Member) -> None:
    notification = _sample(kind, helper)
    english = message_for(notification)
    assert english != str(notification.get_kind_display()), english

    with translation.override("it"):
        italian = message_for(notification)

    assert italian  # it always renders
    msgid = _translated_msgid_for(english)
    assert msgid is not None, f"the Italian catalogue has no translation of {english!r}"
    assert italian != english, f"{msgid!r} is translated in the .po but not in effect"


# --- every kind has a test ------------------------------------------------------------------


def test_every_kind_of_notification_has_a_test_of_who_gets_it() -> None:
    sources = "".join(
        path.read_text()
        for path in TESTS_DIR.glob("test_kinds_*.py")
        if path.name != Path(__file__).name
    )
    untested = [kind.name for kind in Kind if f"recipients(Kind.{kind.name}" not in sources]
    assert untested == []
