"""Webhooks: the signature, the outbox written with the event, delivery to a real receiver,
retries with back-off, switching off a failing endpoint, and the SSRF guard."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.models import Member
from notifications.models import Kind, Notification
from notifications.webhooks import guard, services
from notifications.webhooks import tasks as webhook_tasks
from notifications.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from notifications.webhooks.signing import webhook_signature, webhook_signature_valid
from support.cases.services import case_escalate, case_update
from support.known_issues.services import (
    known_issue_create,
    known_issue_edit,
    known_issue_me_too,
    known_issue_update_post,
)
from support.moderation.services import flag_create
from tests.concurrency import requires_postgresql, run_at_once, transactional
from tests.factories import MemberFactory
from tests.notifications.kinds_helpers import recipients
from tests.notifications.webhook_helpers import question, receiver_server
from tests.support.moderation_factories import MEMBER, rank

OnCommit = Callable[..., AbstractContextManager[Any]]


@pytest.fixture
def admin(db: None) -> Member:
    return MemberFactory.create(username="root", is_staff=True, is_superuser=True)


def endpoint_for(admin: Member, url: str, events: list[str] | None = None) -> WebhookEndpoint:
    return services.webhook_endpoint_create(
        actor=admin, url=url, events=events or list(WebhookEvent.values), secret="s" * 20
    )


# --- signing -----------------------------------------------------------------------------


def test_the_signature_matches_a_known_vector() -> None:
    # printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    header = webhook_signature(secret="whsec_test", timestamp=1700000000, body=b'{"a":1}')
    assert header == (
        "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
    )


def test_a_receiver_verifies_the_header_and_refuses_tampering_and_replays() -> None:
    body = b'{"event":"case.created"}'
    header = webhook_signature(secret="whsec_test", timestamp=1700000000, body=body)
    assert webhook_signature_valid(secret="whsec_test", header=header, body=body, now=1700000100)
    assert not webhook_signature_valid(
        secret="whsec_test", header=header, body=body + b" ", now=1700000100
    )
    assert not webhook_signature_valid(secret="other", header=header, body=body, now=1700000100)
    assert not webhook_signature_valid(
        secret="whsec_test", header=header, body=body, now=1700000000 + 301
    )
    assert not webhook_signature_valid(secret="whsec_test", header="v1=abc", body=body, now=0)


# --- the outbox and delivery ----------------------------------------------------------------


@pytest.mark.django_db
def test_an_escalation_is_delivered_signed_to_a_real_receiver(
    admin: Member, asker: Member, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with receiver_server() as receiver:
        endpoint = endpoint_for(admin, receiver.url, ["case.created", "thread.escalated"])
        thread = question(asker)
        with django_capture_on_commit_callbacks(execute=True):
            case, _ = case_escalate(thread=thread, actor=asker, message="Please help.")

    assert len(receiver.requests) == 2
    bodies = {json.loads(r.body)["event"]: r for r in receiver.requests}
    escalated = bodies["thread.escalated"]
    payload = json.loads(escalated.body)
    assert set(payload) == {"id", "event", "created_at", "data"}
    assert payload["data"]["thread"]["id"] == thread.pk
    assert payload["data"]["case"]["id"] == case.pk
    header = escalated.headers["Mutua-Signature"]
    now = int(timezone.now().timestamp())
    assert webhook_signature_valid(
        secret=endpoint.secret, header=header, body=escalated.body, now=now
    )
    assert escalated.headers["Content-Type"] == "application/json"
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert {d.status for d in deliveries} == {DeliveryStatus.DELIVERED}
    assert {d.status_code for d in deliveries} == {200}
    assert all(d.attempt_log.count() == 1 for d in deliveries)


@pytest.mark.django_db
def test_the_outbox_row_is_written_in_the_events_transaction_and_sent_only_after_commit(
    admin: Member, asker: Member
) -> None:
    with receiver_server() as receiver:
        endpoint_for(admin, receiver.url, ["case.created"])
        case_escalate(thread=question(asker), actor=asker)
        # No commit in this test: the row is owed and nothing has been sent.
        assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.event == "case.created"


@pytest.mark.django_db
def test_only_subscribed_active_endpoints_are_owed_an_event(admin: Member, asker: Member) -> None:
    wants = endpoint_for(admin, "http://127.0.0.1:9/a", ["case.updated"])
    other = endpoint_for(admin, "http://127.0.0.1:9/b", ["flag.created"])
    off = endpoint_for(admin, "http://127.0.0.1:9/c", ["case.created"])
    WebhookEndpoint.objects.filter(pk=off.pk).update(active=False)
    case_escalate(thread=question(asker), actor=asker)
    assert not WebhookDelivery.objects.exists()
    assert wants and other


@pytest.mark.django_db
def test_resolving_a_case_sends_updated_and_resolved(
    admin: Member, asker: Member, agent: Member
) -> None:
    endpoint_for(admin, "http://127.0.0.1:9/a", ["case.updated", "case.resolved"])
    case, _ = case_escalate(thread=question(asker), actor=asker)
    case_update(case=case, actor=agent, status="resolved")
    events = sorted(WebhookDelivery.objects.values_list("event", flat=True))
    assert events == ["case.resolved", "case.updated"]
    updated = WebhookDelivery.objects.get(event="case.updated")
    assert updated.data["changes"] == ["status"]
    assert updated.data["case"]["status"] == "resolved"


@pytest.mark.django_db
def test_a_flag_is_announced(admin: Member, asker: Member, helper: Member) -> None:
    endpoint_for(admin, "http://127.0.0.1:9/a", ["flag.created"])
    thread = question(asker)
    flagger = rank(helper, MEMBER)
    flag = flag_create(flagger=flagger, kind="spam", thread=thread, note="Advert.")
    delivery = WebhookDelivery.objects.get(event="flag.created")
    assert delivery.data["flag"]["id"] == flag.pk
    assert delivery.data["flag"]["thread"] == thread.pk


@pytest.mark.django_db
def test_known_issue_changes_are_announced_but_not_each_i_have_this_too(
    admin: Member, agent: Member, asker: Member
) -> None:
    endpoint_for(admin, "http://127.0.0.1:9/a", ["known_issue.updated"])
    issue = known_issue_create(actor=agent, title="Roaming outage in Spain")
    known_issue_me_too(known_issue=issue, member=asker)
    known_issue_update_post(known_issue=issue, actor=agent, body="A faulty router in Madrid.")
    known_issue_edit(known_issue=issue, actor=agent, status="resolved")

    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [d.event for d in deliveries] == ["known_issue.updated"] * 3
    assert [d.data["changes"] for d in deliveries] == [["created"], ["update"], ["status"]]
    resolved = deliveries[-1].data["known_issue"]
    assert resolved["id"] == issue.pk and resolved["status"] == "resolved"
    assert resolved["me_too_count"] == 1 and resolved["resolved_at"]
    assert resolved["url"].startswith("http") and resolved["url"].endswith(issue.get_absolute_url())


def _owe(endpoint: WebhookEndpoint) -> WebhookDelivery:
    [delivery] = services.webhook_event_record(
        event="case.created", data={"case": {"id": 1}}, endpoint_ids=[endpoint.pk]
    )
    return delivery


@pytest.mark.django_db
def test_failures_are_retried_with_exponential_back_off_then_succeed(admin: Member) -> None:
    start = timezone.now()
    with receiver_server(codes=[500, 503, 502, 200]) as receiver:
        endpoint = endpoint_for(admin, receiver.url, ["case.created"])
        with time_machine.travel(start, tick=False) as clock:
            delivery = _owe(endpoint)
            assert services.webhook_deliver(delivery_id=delivery.pk) is False
            delivery.refresh_from_db()
            assert delivery.next_attempt_at == start + timedelta(minutes=1)
            assert delivery.status_code == 500 and delivery.status == DeliveryStatus.PENDING
            # Not yet due: the sweep leaves it.
            clock.shift(timedelta(seconds=59))
            assert services.webhook_sweep() == 0
            assert len(receiver.requests) == 1
            clock.shift(timedelta(seconds=1))
            services.webhook_sweep()
            delivery.refresh_from_db()
            assert delivery.next_attempt_at == timezone.now() + timedelta(minutes=5)
            clock.shift(timedelta(minutes=5))
            services.webhook_sweep()
            delivery.refresh_from_db()
            assert delivery.next_attempt_at == timezone.now() + timedelta(minutes=25)
            clock.shift(timedelta(minutes=25))
            assert services.webhook_sweep() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempts == 4 and delivery.status_code == 200
    log = list(delivery.attempt_log.order_by("pk").values_list("status_code", flat=True))
    assert log == [500, 503, 502, 200]
    assert len(receiver.requests) == 4
    # Every attempt carries the same event id and body, signed afresh.
    assert len({r.body for r in receiver.requests}) == 1
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


@pytest.mark.django_db
def test_a_delivery_gives_up_after_the_last_attempt(admin: Member) -> None:
    with receiver_server(codes=[500]) as receiver:
        endpoint = endpoint_for(admin, receiver.url, ["case.created"])
        with time_machine.travel(timezone.now(), tick=False) as clock:
            delivery = _owe(endpoint)
            for _attempt in range(services.MAX_ATTEMPTS):
                services.webhook_sweep()
                clock.shift(timedelta(days=1))
            services.webhook_sweep()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == services.MAX_ATTEMPTS
    assert len(receiver.requests) == services.MAX_ATTEMPTS


@pytest.mark.django_db
def test_an_unreachable_endpoint_records_the_error(admin: Member) -> None:
    with receiver_server() as receiver:
        url = receiver.url
    endpoint = endpoint_for(admin, url, ["case.created"])  # the server is gone
    delivery = _owe(endpoint)
    assert services.webhook_deliver(delivery_id=delivery.pk) is False
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None and "ConnectionError" in attempt.error


@pytest.mark.django_db
def test_repeated_failures_switch_the_endpoint_off_and_tell_the_admins(
    admin: Member, agent: Member
) -> None:
    with receiver_server(codes=[500]) as receiver:
        endpoint = endpoint_for(admin, receiver.url, ["case.created"])
        deliveries = [_owe(endpoint) for _ in range(services.DISABLE_AFTER)]
        for delivery in deliveries:
            services.webhook_deliver(delivery_id=delivery.pk)
        endpoint.refresh_from_db()
        assert endpoint.active is False and endpoint.disabled_at is not None
        # Switched off: what it still owes is not sent.
        extra = deliveries[0]
        WebhookDelivery.objects.filter(pk=extra.pk).update(next_attempt_at=timezone.now())
        assert services.webhook_deliver(delivery_id=extra.pk) is False
        assert len(receiver.requests) == services.DISABLE_AFTER
    assert recipients(Kind.WEBHOOK_DISABLED) == {"root"}  # admins only, not agents
    [notice] = Notification.objects.filter(kind=Kind.WEBHOOK_DISABLED)
    assert notice.data["url"] == endpoint.url
    assert not Notification.objects.filter(recipient=agent).exists()


@pytest.mark.django_db
def test_switching_on_again_sends_what_is_owed(
    admin: Member, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with receiver_server(codes=[200]) as receiver:
        endpoint = endpoint_for(admin, receiver.url, ["case.created"])
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            active=False, consecutive_failures=10, disabled_at=timezone.now()
        )
        delivery = _owe(endpoint)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            next_attempt_at=timezone.now() + timedelta(hours=2)
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.webhook_endpoint_enable(actor=admin, endpoint=endpoint)
        assert len(receiver.requests) == 1
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.consecutive_failures == 0


@pytest.mark.django_db
def test_a_delivered_event_can_be_sent_again(
    admin: Member, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with receiver_server() as receiver:
        endpoint = endpoint_for(admin, receiver.url, ["case.created"])
        delivery = _owe(endpoint)
        services.webhook_deliver(delivery_id=delivery.pk)
        with django_capture_on_commit_callbacks(execute=True):
            services.webhook_delivery_resend(actor=admin, delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 2
    assert receiver.requests[0].body == receiver.requests[1].body


# --- the SSRF guard --------------------------------------------------------------------------


def _resolves_to(*addresses: str) -> Any:
    def fake(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]

    return mock.patch.object(guard.socket, "getaddrinfo", side_effect=fake)


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 - an address refused, not bound
        "224.0.0.1",
        "240.0.0.1",
        "100.64.0.1",
    ],
)
def test_production_refuses_hosts_that_resolve_to_private_addresses(
    settings: Any, address: str
) -> None:
    settings.PRODUCTION = True
    with _resolves_to(address), pytest.raises(ValidationError) as caught:
        guard.webhook_url_check("https://hooks.example.com/in")
    assert "not a public address" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://[::1]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://[fe80::1]/x",
        "https://[fd00::1]/x",
    ],
)
def test_production_refuses_private_ipv6_literals(settings: Any, url: str) -> None:
    settings.PRODUCTION = True
    with pytest.raises(ValidationError):
        guard.webhook_url_check(url)


def test_production_needs_https_and_a_public_host(settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(ValidationError, match="https"):
        guard.webhook_url_check("http://127.0.0.1:8000/x")
    with _resolves_to("93.184.215.14"):
        assert guard.webhook_url_check(" https://hooks.example.com/in ") == (
            "https://hooks.example.com/in"
        )


def test_development_allows_http_only_to_loopback(settings: Any) -> None:
    settings.PRODUCTION = False
    assert guard.webhook_url_check("http://localhost:8000/x")
    assert guard.webhook_url_check("http://127.0.0.1:8000/x")
    with pytest.raises(ValidationError, match="https"):
        guard.webhook_url_check("http://hooks.example.com/x")
    for bad in ("ftp://x.example.com/", "https://user:pw@x.example.com/", "nonsense", "https://"):
        with pytest.raises(ValidationError):
            guard.webhook_url_check(bad)


@pytest.mark.django_db
def test_a_name_that_rebinds_to_a_private_address_is_not_reached(
    settings: Any, admin: Member
) -> None:
    settings.PRODUCTION = True
    with _resolves_to("93.184.215.14"):
        endpoint = endpoint_for(admin, "https://hooks.example.com/in", ["case.created"])
    delivery = _owe(endpoint)
    with (
        _resolves_to("127.0.0.1"),
        mock.patch("urllib3.util.connection.create_connection") as connect,
    ):
        assert services.webhook_deliver(delivery_id=delivery.pk) is False
    connect.assert_not_called()
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None and "not a public address" in attempt.error


@pytest.mark.django_db
def test_delivery_connects_to_the_checked_address(settings: Any, admin: Member) -> None:
    """The guard resolves, checks and hands urllib3 the address itself: a second lookup
    (which could answer differently) never happens."""
    settings.PRODUCTION = True
    with _resolves_to("93.184.215.14"):
        endpoint = endpoint_for(admin, "https://hooks.example.com/in", ["case.created"])
    delivery = _owe(endpoint)
    with (
        _resolves_to("93.184.215.14"),
        mock.patch(
            "urllib3.util.connection.create_connection", side_effect=OSError("stop here")
        ) as connect,
    ):
        services.webhook_deliver(delivery_id=delivery.pk)
    assert connect.call_args.args[0] == ("93.184.215.14", 443)


@requires_postgresql
@transactional
def test_sweepers_at_once_send_each_delivery_exactly_once() -> None:
    admin = MemberFactory.create(username="root2", is_staff=True, is_superuser=True)
    with receiver_server() as receiver:
        endpoint = endpoint_for(admin, receiver.url, ["case.created"])
        # The broker is down when they commit: the sweepers find all twelve owed.
        with mock.patch.object(webhook_tasks.webhook_deliver, "delay", side_effect=OSError):
            for n in range(12):
                services.webhook_event_record(
                    event="case.created", data={"n": n}, endpoint_ids=[endpoint.pk]
                )
        assert receiver.requests == []
        results, errors = run_at_once([services.webhook_sweep for _ in range(4)])
    assert errors == []
    assert sum(results) == 12
    sent = sorted(json.loads(r.body)["data"]["n"] for r in receiver.requests)
    assert sent == list(range(12))
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.DELIVERED, attempts=1).count() == 12


def test_beat_runs_the_webhook_sweep_every_minute(settings: Any) -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE["notifications-webhook-sweep"]
    assert schedule == {"task": "notifications.webhook_sweep", "schedule": 60.0}
    assert webhook_tasks.webhook_sweep.name == "notifications.webhook_sweep"
