"""The daily digest: one email listing what a member hasn't had by email yet, once."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils import timezone

from community.models import Member
from notifications import services, tasks
from notifications.models import Channel, EmailSettings, Kind, Notification
from tests.builders import new_member_make
from tests.notifications.inbox_factories import (
    many_kudos,
    notify_answer,
    notify_badge,
    notify_kudos,
    stamp,
)

pytestmark = pytest.mark.django_db

OnCommit = Callable[..., AbstractContextManager[Any]]


def html_of(message: EmailMessage) -> str:
    assert isinstance(message, EmailMultiAlternatives)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def listed(message: EmailMessage) -> list[int]:
    """The notifications an email links to, in its order."""
    return [int(pk) for pk in re.findall(r"/notifications/(\d+)/open/", str(message.body))]


def test_one_digest_lists_everything_the_member_has_not_had_by_email(
    asker: Member, helper: Member
) -> None:
    kudos = notify_kudos(asker, helper, title="Roaming in Spain")
    badge = notify_badge(asker)

    sent = services.digest_send(member_id=asker.pk)

    assert sent == 2
    [message] = mail.outbox
    assert message.to == ["asker@example.com"]
    assert message.subject == "[Mutua] Your daily digest: 2 new notifications"
    assert listed(message) == [badge.pk, kudos.pk]
    assert "Hugo Helper gave kudos to your post in “Roaming in Spain”." in message.body
    assert "Hugo Helper gave kudos to your post in “Roaming in Spain”." in html_of(message)
    assert "http://127.0.0.1:8000/notifications/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://127.0.0.1:8000/notifications/unsubscribe/"
    )
    assert message.extra_headers["List-Unsubscribe"][1:-1] in message.body
    assert not Notification.objects.filter(recipient=asker, emailed_at__isnull=True).exists()
    assert EmailSettings.objects.get(member=asker).last_digest_at is not None


def test_running_the_digest_twice_sends_it_once(asker: Member, helper: Member) -> None:
    notify_kudos(asker, helper)

    first = services.digest_send(member_id=asker.pk)
    second = services.digest_send(member_id=asker.pk)

    assert (first, second) == (1, 0)
    assert len(mail.outbox) == 1


def test_the_next_digest_has_only_what_came_since(asker: Member, helper: Member) -> None:
    notify_kudos(asker, helper)
    services.digest_send(member_id=asker.pk)
    later = notify_badge(asker)

    services.digest_send(member_id=asker.pk)

    assert len(mail.outbox) == 2
    assert listed(mail.outbox[1]) == [later.pk]
    assert mail.outbox[1].subject == "[Mutua] Your daily digest: 1 new notification"


def test_what_was_emailed_at_once_is_not_repeated_in_the_digest(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_answer(asker, helper)
    kudos = notify_kudos(asker, helper)

    services.digest_send(member_id=asker.pk)

    assert len(mail.outbox) == 2
    assert listed(mail.outbox[1]) == [kudos.pk]


def test_immediate_kinds_kept_on_the_site_come_in_the_digest(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.ANSWER, channel=Channel.SITE)
    with django_capture_on_commit_callbacks(execute=True):
        kept = notify_answer(asker, helper)
    assert mail.outbox == []

    services.digest_send(member_id=asker.pk)

    assert listed(mail.outbox[0]) == [kept.pk]


def test_what_the_member_already_read_on_the_site_is_left_out(
    asker: Member, helper: Member
) -> None:
    read = notify_kudos(asker, helper)
    unread = notify_badge(asker)
    services.notifications_mark_read(member_id=asker.pk, ids=[read.pk])

    services.digest_send(member_id=asker.pk)

    assert listed(mail.outbox[0]) == [unread.pk]


def test_kinds_set_to_email_only_arrive_in_the_digest(asker: Member, helper: Member) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.KUDOS, channel=Channel.EMAIL)
    kudos = notify_kudos(asker, helper)
    kudos.refresh_from_db()
    assert kudos.read_at is not None  # not waiting on the site...

    services.digest_send(member_id=asker.pk)

    assert listed(mail.outbox[0]) == [kudos.pk]  # ...but emailed all the same


def test_kinds_silenced_since_are_left_out(asker: Member, helper: Member) -> None:
    notify_kudos(asker, helper)
    badge = notify_badge(asker)
    services.preference_set(member_id=asker.pk, kind=Kind.KUDOS, channel=Channel.NONE)

    services.digest_send(member_id=asker.pk)

    assert listed(mail.outbox[0]) == [badge.pk]


def test_nothing_new_sends_nothing(asker: Member) -> None:
    assert services.digest_send(member_id=asker.pk) == 0
    assert mail.outbox == []
    assert EmailSettings.objects.get(member=asker).last_digest_at is None


@pytest.mark.parametrize(
    "opt_out",
    [
        {"digest": False},
        {"unsubscribed": True},
    ],
)
def test_members_who_switched_the_digest_off_or_unsubscribed_get_none(
    asker: Member, helper: Member, opt_out: dict[str, bool]
) -> None:
    services.email_settings_update(member_id=asker.pk, **opt_out)
    kudos = notify_kudos(asker, helper)

    assert services.digest_send(member_id=asker.pk) == 0
    assert tasks.digest.delay().get() == 0
    assert mail.outbox == []
    kudos.refresh_from_db()
    assert kudos.emailed_at is None


def test_with_the_digest_off_kinds_chosen_by_email_still_come_once_a_day(
    asker: Member, helper: Member
) -> None:
    services.email_settings_update(member_id=asker.pk, digest=False)
    services.preference_set(member_id=asker.pk, kind=Kind.KUDOS, channel=Channel.EMAIL)
    services.preference_set(member_id=asker.pk, kind=Kind.SOLUTION, channel=Channel.BOTH)
    kudos = notify_kudos(asker, helper)
    solution = services.notify(
        recipient_id=asker.pk, kind=Kind.SOLUTION, actor_id=helper.pk, data={"title": "eSIM"}
    )
    notify_badge(asker)  # on the site only: no digest, so not emailed

    queued = tasks.digest.delay().get()

    assert queued == 1
    [message] = mail.outbox
    assert solution is not None
    assert listed(message) == [solution.pk, kudos.pk]


def test_kinds_chosen_both_ways_are_left_out_once_read_on_the_site(
    asker: Member, helper: Member
) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.KUDOS, channel=Channel.BOTH)
    seen = notify_kudos(asker, helper)
    unseen = notify_kudos(asker, helper)
    services.notifications_mark_read(member_id=asker.pk, ids=[seen.pk])

    services.digest_send(member_id=asker.pk)

    assert listed(mail.outbox[0]) == [unseen.pk]


def test_members_without_a_confirmed_address_get_none(helper: Member) -> None:
    unconfirmed = new_member_make(verified=False)
    notify_kudos(unconfirmed, helper)

    assert services.digest_send(member_id=unconfirmed.pk) == 0
    assert tasks.digest.delay().get() == 0
    assert mail.outbox == []


def test_a_first_digest_looks_back_one_day(asker: Member, helper: Member) -> None:
    old = notify_kudos(asker, helper)
    stamp(old, timezone.now() - timedelta(days=2))
    recent = notify_badge(asker)

    services.digest_send(member_id=asker.pk)

    assert listed(mail.outbox[0]) == [recent.pk]


def test_a_digest_starts_an_hour_before_the_last_one_and_never_repeats(
    asker: Member, helper: Member
) -> None:
    now = timezone.now()
    EmailSettings.objects.create(member=asker, last_digest_at=now - timedelta(days=1))
    before = notify_kudos(asker, helper)
    stamp(before, now - timedelta(days=1, hours=2))
    # Stamped just before the last run but (say) committed just after it: still included.
    straddling = notify_badge(asker)
    stamp(straddling, now - timedelta(days=1, minutes=1))
    after = notify_kudos(asker, helper)

    services.digest_send(member_id=asker.pk, now=now + timedelta(seconds=1))

    assert listed(mail.outbox[0]) == [after.pk, straddling.pk]
    assert Notification.objects.get(pk=before.pk).emailed_at is None


def test_a_member_back_after_months_gets_the_last_week_only(asker: Member, helper: Member) -> None:
    now = timezone.now()
    EmailSettings.objects.create(member=asker, last_digest_at=now - timedelta(days=90))
    ancient = notify_kudos(asker, helper)
    stamp(ancient, now - timedelta(days=30))
    recent = notify_kudos(asker, helper)
    stamp(recent, now - timedelta(days=6))

    services.digest_send(member_id=asker.pk, now=now)

    assert listed(mail.outbox[0]) == [recent.pk]


def test_a_long_digest_lists_fifty_and_counts_the_rest(asker: Member, helper: Member) -> None:
    made = many_kudos(asker, [helper], services.DIGEST_MAX_ITEMS + 7)

    sent = services.digest_send(member_id=asker.pk)

    [message] = mail.outbox
    assert sent == 57
    assert message.subject == "[Mutua] Your daily digest: 57 new notifications"
    assert listed(message) == [n.pk for n in reversed(made)][:50]
    assert "…and 7 more." in message.body
    assert "…and 7 more." in html_of(message)
    assert not Notification.objects.filter(recipient=asker, emailed_at__isnull=True).exists()


def test_the_daily_task_sends_each_member_due_one_digest(
    asker: Member, helper: Member, outsider: Member
) -> None:
    notify_kudos(asker, helper)
    notify_badge(helper)
    services.email_settings_update(member_id=outsider.pk, digest=False)
    notify_kudos(outsider, helper)

    queued = tasks.digest.delay().get()
    again = tasks.digest.delay().get()

    assert queued == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "asker@example.com",
        "helper@example.com",
    ]
    assert again == 0
    assert len(mail.outbox) == 2


def test_the_scheduler_runs_the_digest_once_a_day() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["notifications-digest"]

    assert entry["task"] == "notifications.digest" == tasks.digest.name
    assert tasks.digest_member.name == "notifications.digest_member"
    # At 07:00 in the community's time zone, every day: the same local hour when the clocks
    # change, and a restart of beat moves nothing.
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    fields = vars(schedule)
    assert (fields["hour"], fields["minute"], fields["day_of_week"]) == ({7}, {0}, set(range(7)))
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE
