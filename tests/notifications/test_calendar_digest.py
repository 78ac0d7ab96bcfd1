"""The daily digest on the days that matter, with the clock pinned.

The scheduler runs the digest at 07:00 in the community's time zone (config/settings.py), so
two runs are 23 or 25 real hours apart when the clocks change. Each member's digest covers
what came since their last one (less an hour of overlap), in real time, so a day the clocks
change, New Year's Eve or 29 February lose nothing and repeat nothing: a digest that counted
"yesterday" on the calendar, or a fixed 24 hours, would drop or repeat what came in the hour
the clocks went back, or the 29th.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from community.models import Member
from notifications import tasks
from notifications.models import Notification
from tests.builders import member_make
from tests.notifications.inbox_factories import notify_badge, notify_kudos

pytestmark = pytest.mark.django_db


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def kudos_at(recipient: Member, actor: Member, moment: str) -> Notification:
    with time_machine.travel(utc(moment), tick=False):
        return notify_kudos(recipient, actor)


def daily_digest_at(moment: datetime) -> list[list[int]]:
    """Run the scheduled digest at `moment`; the notification ids each email lists."""
    mail.outbox.clear()
    with time_machine.travel(moment, tick=False):
        tasks.digest.delay().get()
    return [
        sorted(int(pk) for pk in re.findall(r"/notifications/(\d+)/open/", str(message.body)))
        for message in mail.outbox
    ]


DAYS = {
    # (the first digest, what comes between, the next digest; all UTC, runs at 07:00 local)
    # 01:30 happens twice when the clocks go back: both are news, once. 25 hours apart.
    "the clocks go back": (
        "2027-10-30T06:00",  # 07:00 BST
        ["2027-10-30T23:30", "2027-10-31T00:30", "2027-10-31T01:30", "2027-10-31T06:30"],
        "2027-10-31T07:00",  # 07:00 GMT
    ),
    # 01:00-02:00 never happens when the clocks go forward: 23 hours apart.
    "the clocks go forward": (
        "2027-03-27T07:00",  # 07:00 GMT
        ["2027-03-28T00:59", "2027-03-28T01:00", "2027-03-28T05:59"],
        "2027-03-28T06:00",  # 07:00 BST
    ),
    "New Year's Eve": (
        "2026-12-31T07:00",
        ["2026-12-31T23:45", "2027-01-01T00:15"],
        "2027-01-01T07:00",
    ),
    "29 February": (
        "2028-02-29T07:00",
        ["2028-02-29T07:30", "2028-02-29T23:59", "2028-03-01T00:10", "2028-03-01T06:59"],
        "2028-03-01T07:00",
    ),
}


@pytest.mark.parametrize(("first", "between", "next_run"), DAYS.values(), ids=DAYS.keys())
def test_each_daily_digest_lists_what_came_since_the_last_once(
    first: str, between: list[str], next_run: str
) -> None:
    with time_machine.travel(utc(first), tick=False):
        member, actor = member_make(), member_make()
        earlier = notify_badge(member)
    assert daily_digest_at(utc(first)) == [[earlier.pk]]

    news = [kudos_at(member, actor, moment).pk for moment in between]
    for run in (first, next_run):
        assert timezone.localtime(utc(run)).time() == time(7, 0)
    assert daily_digest_at(utc(next_run)) == [sorted(news)]
    # The day after, nothing is repeated.
    assert daily_digest_at(utc(next_run) + timedelta(hours=24)) == []
    assert not Notification.objects.filter(recipient=member, emailed_at=None).exists()


def test_a_first_digest_on_1_march_looks_back_24_hours_into_29_february() -> None:
    with time_machine.travel(utc("2028-02-28T12:00"), tick=False):
        member, actor = member_make(), member_make()
    too_old = kudos_at(member, actor, "2028-02-29T06:59")
    within = kudos_at(member, actor, "2028-02-29T07:01")
    today = kudos_at(member, actor, "2028-03-01T06:00")

    assert daily_digest_at(utc("2028-03-01T07:00")) == [sorted([within.pk, today.pk])]
    assert Notification.objects.get(pk=too_old.pk).emailed_at is None
