"""Who hears of a known issue: an update tells the members who have it; the resolution tells
them and every asker of a linked question, once each, as each prefers, in bulk."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from community.models import Member
from notifications.models import Channel, EmailOutbox, Kind, Notification, Preference
from notifications.realtime import member_group
from support.known_issues import services
from support.known_issues.models import KnownIssue, KnownIssueMeToo, KnownIssueStatus
from tests.builders import agent_make, ask, member_make
from tests.notifications.kinds_helpers import (
    Deliveries,
    assert_message,
    only,
    recipients,
    record_deliveries,
)
from tests.support.known_issues_helpers import issue_open, me_too

pytestmark = pytest.mark.django_db


@pytest.fixture
def deliveries(monkeypatch: pytest.MonkeyPatch) -> Deliveries:
    return record_deliveries(monkeypatch)


def resolve(issue: KnownIssue, staff: Member) -> None:
    services.known_issue_edit(known_issue=issue, actor=staff, status=KnownIssueStatus.RESOLVED)


def test_an_update_tells_the_members_who_have_the_issue_and_nobody_else(
    agent: Member, asker: Member, helper: Member
) -> None:
    issue = issue_open(agent)
    me_too(issue, asker, helper)
    ask(member_make("linked"), title="Roaming outage in Spain today")  # linked, not following

    services.known_issue_update_post(known_issue=issue, actor=agent, body="Engineers are on it.")

    assert recipients(Kind.KNOWN_ISSUE_UPDATE) == {"asker", "helper"}
    notification = only(asker, Kind.KNOWN_ISSUE_UPDATE)
    assert notification.url == issue.get_absolute_url()
    assert_message(notification, "Roaming outage in Spain")


def test_a_status_change_without_an_update_tells_nobody(agent: Member, asker: Member) -> None:
    issue = issue_open(agent)
    me_too(issue, asker)

    services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.IDENTIFIED)

    assert not Notification.objects.exists()


def test_the_resolution_tells_subscribers_and_linked_askers_once_each_but_not_the_resolver(
    agent: Member, asker: Member, helper: Member
) -> None:
    issue = issue_open(agent)
    me_too(issue, asker, helper, agent)
    ask(asker, title="Roaming outage in Spain for me too")  # following and asking: once
    ask(member_make("otto"), title="Roaming outage in Spain since noon")
    gone = member_make("gone")
    KnownIssueMeToo.objects.create(known_issue=issue, member=gone)
    Member.objects.filter(pk=gone.pk).update(is_active=False)

    resolve(issue, agent)

    assert recipients(Kind.KNOWN_ISSUE_RESOLVED) == {"asker", "helper", "otto"}
    assert Notification.objects.filter(kind=Kind.KNOWN_ISSUE_RESOLVED).count() == 3
    assert_message(only(asker, Kind.KNOWN_ISSUE_RESOLVED), "Roaming outage in Spain", "resolved")
    # Reopened and resolved again: news again; saving it resolved unchanged: nothing.
    services.known_issue_edit(known_issue=issue, actor=agent, status=KnownIssueStatus.RESOLVED)
    assert Notification.objects.filter(kind=Kind.KNOWN_ISSUE_RESOLVED).count() == 3


def test_the_resolution_follows_each_members_preferences_live_and_by_email(
    agent: Member,
    asker: Member,
    helper: Member,
    deliveries: Deliveries,
    django_capture_on_commit_callbacks: Any,
) -> None:
    issue = issue_open(agent)
    quiet, email_only = member_make("quiet"), member_make("mailer")
    me_too(issue, asker, helper, quiet, email_only)
    Preference.objects.create(member=quiet, kind=Kind.KNOWN_ISSUE_RESOLVED, channel=Channel.NONE)
    Preference.objects.create(
        member=email_only, kind=Kind.KNOWN_ISSUE_RESOLVED, channel=Channel.EMAIL
    )
    Preference.objects.create(member=helper, kind=Kind.KNOWN_ISSUE_RESOLVED, channel=Channel.SITE)

    with django_capture_on_commit_callbacks(execute=True):
        resolve(issue, agent)

    assert recipients(Kind.KNOWN_ISSUE_RESOLVED) == {"asker", "helper", "mailer"}
    pushed = deliveries.new_notifications()
    assert pushed[member_group(asker.pk)] == {only(asker, Kind.KNOWN_ISSUE_RESOLVED).pk}
    assert member_group(helper.pk) in pushed
    assert member_group(email_only.pk) not in pushed  # email only: history, not news
    assert only(email_only, Kind.KNOWN_ISSUE_RESOLVED).read
    # Emailed by default (asker) and by choice (mailer); the task ran eagerly after commit.
    emailed = EmailOutbox.objects.filter(sent=True).values_list(
        "notification__recipient__username", flat=True
    )
    assert set(emailed) == {"asker", "mailer"}


def test_an_update_is_not_emailed_at_once_by_default(
    agent: Member, asker: Member, django_capture_on_commit_callbacks: Any
) -> None:
    issue = issue_open(agent)
    me_too(issue, asker)

    with django_capture_on_commit_callbacks(execute=True):
        services.known_issue_update_post(known_issue=issue, actor=agent, body="Still on it.")

    assert not only(asker, Kind.KNOWN_ISSUE_UPDATE).read
    assert not EmailOutbox.objects.exists()  # the daily digest carries it


def _resolve_counting_queries(size: int) -> int:
    staff = agent_make(f"staff{size}")
    issue = issue_open(staff, title=f"Outage number {size} in the north")
    members = [member_make(f"m{size}x{n}") for n in range(size)]
    KnownIssueMeToo.objects.bulk_create(
        [KnownIssueMeToo(known_issue=issue, member=m) for m in members]
    )
    for member in members[: size // 3]:
        Preference.objects.create(
            member=member, kind=Kind.KNOWN_ISSUE_RESOLVED, channel=Channel.SITE
        )
    with CaptureQueriesContext(connection) as queries:
        resolve(issue, staff)
    assert Notification.objects.filter(data__known_issue=issue.pk).count() == size
    return len(queries)


def test_resolving_tells_a_crowd_in_a_fixed_number_of_queries() -> None:
    # Both sizes fit one bulk insert on SQLite too (its bound-parameter limit splits larger
    # crowds into a statement per ~90 rows; PostgreSQL inserts any crowd in one).
    small = _resolve_counting_queries(3)
    large = _resolve_counting_queries(60)

    assert small == large
