"""The outbox: an immediate email is written with its notification, so neither a broker outage
when it would be queued nor a lost task loses it; the sweep sends what is owed, once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from community.models import Member
from config import env
from config.celery import app as celery_app
from notifications import services, tasks
from notifications.models import EmailOutbox, Kind, Notification
from tests.concurrency import requires_postgresql, run_at_once, transactional
from tests.factories import MemberFactory
from tests.notifications.inbox_factories import notify_answer

OnCommit = Callable[..., AbstractContextManager[Any]]


def broker_down() -> Any:
    """Publishing a task fails as it does with Redis stopped."""
    return mock.patch.object(
        tasks.outbox_deliver,
        "apply_async",
        side_effect=BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
    )


def later(minutes: int = 2) -> Any:
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=False)


@pytest.mark.django_db
def test_the_email_is_owed_in_the_notifications_own_transaction(
    asker: Member, helper: Member
) -> None:
    notification = notify_answer(asker, helper)

    row = EmailOutbox.objects.get(notification=notification)
    assert row.delivered_at is None  # the transaction has not committed: nothing sent yet
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_notification_kept_on_the_site_owes_no_email(asker: Member, helper: Member) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.ANSWER, channel="site")

    notify_answer(asker, helper)

    assert not EmailOutbox.objects.exists()


@pytest.mark.django_db
def test_with_the_broker_down_the_email_is_kept_and_the_sweep_sends_it_once(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    with broker_down() as publish, django_capture_on_commit_callbacks(execute=True):
        notification = notify_answer(asker, helper)

    assert publish.called  # it was tried, and failed
    assert mail.outbox == []
    row = EmailOutbox.objects.get(notification=notification)
    assert row.delivered_at is None

    # Too fresh for the sweep: the task queued at commit may still be on its way.
    assert services.outbox_sweep() == 0
    with later():
        assert tasks.outbox_sweep.delay().get() == 1
        assert tasks.outbox_sweep.delay().get() == 0

    [message] = mail.outbox
    assert message.to == ["asker@example.com"]
    row.refresh_from_db()
    assert row.delivered_at is not None and row.sent
    notification.refresh_from_db()
    assert notification.emailed_at is not None


@pytest.mark.django_db
def test_a_task_delivered_twice_sends_once(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify_answer(asker, helper)
    row = EmailOutbox.objects.get(notification=notification)

    assert tasks.outbox_deliver.delay(notification.pk).get() is False  # sent at commit
    row.refresh_from_db()
    assert row.sent

    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_mail_server_failure_keeps_the_email_for_a_later_sweep(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    refused = mock.patch.object(
        EmailMultiAlternatives, "send", side_effect=ConnectionRefusedError("mail server down")
    )
    with refused, django_capture_on_commit_callbacks(execute=True):
        notification = notify_answer(asker, helper)

    row = EmailOutbox.objects.get(notification=notification)
    assert row.delivered_at is None
    assert row.attempts == 1
    assert "mail server down" in row.last_error
    assert row.next_attempt_at > timezone.now()

    with later(minutes=3):
        assert services.outbox_sweep() == 1

    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.sent and row.attempts == 2


@pytest.mark.django_db
def test_an_email_the_member_no_longer_wants_leaves_the_outbox_unsent(
    asker: Member, helper: Member
) -> None:
    with broker_down():
        notification = notify_answer(asker, helper)
    services.email_settings_update(member_id=asker.pk, unsubscribed=True)

    with later():
        assert services.outbox_sweep() == 1

    assert mail.outbox == []
    row = EmailOutbox.objects.get(notification=notification)
    assert row.delivered_at is not None and not row.sent


def test_the_sweep_runs_every_minute_and_tasks_survive_a_killed_worker(tmp_path: Path) -> None:
    from django.conf import settings

    broker = env.celery_broker_config("redis://127.0.0.1:6379/0", queue_dir=tmp_path)
    # A killed worker's reserved tasks come back within minutes (Celery's default: an hour).
    assert 60 <= broker["transport_options"]["visibility_timeout"] <= 600

    schedule = settings.CELERY_BEAT_SCHEDULE["notifications-outbox-sweep"]
    assert schedule == {"task": "notifications.outbox_sweep", "schedule": 60.0}
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True


@requires_postgresql
@transactional
def test_two_sweepers_at_once_send_every_email_exactly_once() -> None:
    helper = MemberFactory.create(display_name="Hugo Helper")
    askers = [MemberFactory.create() for _ in range(20)]
    with broker_down():
        notifications = [notify_answer(asker, helper) for asker in askers]
    assert EmailOutbox.objects.filter(delivered_at__isnull=True).count() == 20
    assert mail.outbox == []

    with later():
        results, errors = run_at_once([services.outbox_sweep for _ in range(4)])

    assert errors == []
    assert sum(results) == 20
    recipients = Counter(address for message in mail.outbox for address in message.to)
    assert recipients == Counter({asker.email: 1 for asker in askers})
    assert not EmailOutbox.objects.filter(delivered_at__isnull=True).exists()
    assert (
        Notification.objects.filter(
            pk__in=[n.pk for n in notifications if n is not None], emailed_at__isnull=False
        ).count()
        == 20
    )
