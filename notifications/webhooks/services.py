"""Webhook writes: registering endpoints, owing deliveries, sending them, and what staff do.

A delivery is owed in the transaction of the event it reports (`webhook_event_record`, from
the receivers): an outbox row per subscribed endpoint, queued to Celery on commit. Sending
(`webhook_deliver`) claims the row under a lock, POSTs the signed body with a short timeout,
records the attempt, and on failure schedules the next one with exponential back-off
(`RETRY_DELAYS`); the sweep (`webhook_sweep`, every minute) sends what is due. After
`DISABLE_AFTER` failed attempts in a row the endpoint is switched off and the admins are
notified; re-enabling it sends what it still owes.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import requests
from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community.models import Member
from notifications.models import Kind
from notifications.services import notify_many
from notifications.webhooks.guard import GuardedAdapter, UnsafeAddress, webhook_url_check
from notifications.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from notifications.webhooks.signing import SIGNATURE_HEADER, webhook_signature

logger = logging.getLogger(__name__)

# Wait before each retry: 1 minute, then 5, 25, 125 (about 2 hours), 625 (about 10 hours).
RETRY_DELAYS = [timedelta(minutes=5**n) for n in range(5)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DISABLE_AFTER = 10
# Connect and read timeouts: a receiver should answer at once and do its work later.
TIMEOUT = (3.0, 5.0)
MAX_ENDPOINTS = 20
SWEEP_BATCH = 100
USER_AGENT = "Mutua-Webhooks/1"


def webhook_admin_check(member: Member) -> None:
    if not (member.is_active and member.is_superuser):
        raise PermissionDenied(_("Only administrators manage webhooks."))


def _clean_events(events: Iterable[Any]) -> list[str]:
    chosen = list(events)
    unknown = [str(e) for e in chosen if e not in WebhookEvent.values]
    if unknown:
        raise ValidationError(
            {
                "events": _("Unknown event “%(event)s”. Choose from: %(events)s.")
                % {"event": unknown[0], "events": ", ".join(WebhookEvent.values)}
            }
        )
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event.")})
    return sorted(set(chosen), key=WebhookEvent.values.index)


def webhook_endpoint_create(
    *, actor: Member, url: str, events: Iterable[Any], secret: str = ""
) -> WebhookEndpoint:
    """Register an endpoint. Without a secret one is generated; either way the caller shows
    it once. Raises PermissionDenied (not an admin) or ValidationError (url, events, secret)."""
    webhook_admin_check(actor)
    chosen = _clean_events(events)
    secret = secret.strip()
    if secret and not 16 <= len(secret) <= 200:
        raise ValidationError({"secret": _("Use between 16 and 200 characters.")})
    if WebhookEndpoint.objects.count() >= MAX_ENDPOINTS:
        raise ValidationError(
            _("There are already %(n)d webhooks: delete one first.") % {"n": MAX_ENDPOINTS}
        )
    url = webhook_url_check(url)
    return WebhookEndpoint.objects.create(
        url=url,
        events=chosen,
        secret=secret or secrets.token_urlsafe(32),
        created_by=actor,
    )


def webhook_endpoint_delete(*, actor: Member, endpoint: WebhookEndpoint) -> None:
    webhook_admin_check(actor)
    endpoint.delete()


def webhook_endpoint_enable(*, actor: Member, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Switch an endpoint back on; what it still owes goes out at once."""
    webhook_admin_check(actor)
    with transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
            active=True, consecutive_failures=0, disabled_at=None
        )
        owed = WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING)
        owed.update(next_attempt_at=timezone.now())
        for delivery_id in owed.values_list("pk", flat=True):
            _queue_on_commit(delivery_id)
    endpoint.refresh_from_db()
    return endpoint


def webhook_delivery_resend(*, actor: Member, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (the same event id and data), delivered or failed alike.

    Only to an active endpoint (Conflict-free: a 400 says to switch it on first)."""
    webhook_admin_check(actor)
    if not WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, active=True).exists():
        raise ValidationError(_("This webhook is switched off: switch it on first."))
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now()
        )
        _queue_on_commit(delivery.pk)
    delivery.refresh_from_db()
    return delivery


# --- owing and sending --------------------------------------------------------------------


def _queue_on_commit(delivery_id: int) -> None:
    def queue() -> None:
        # By name: notifications.webhooks.tasks imports this module.
        try:
            current_app.tasks["notifications.webhook_deliver"].delay(delivery_id)
        except Exception:  # noqa: BLE001 - a broker outage must not fail the request
            # The delivery row is committed: the sweep sends it once a worker runs again.
            logger.warning(
                "could not queue webhook delivery %s; the sweep will send it",
                delivery_id,
                exc_info=True,
            )

    transaction.on_commit(queue)


def webhook_subscribers() -> dict[str, list[int]]:
    """Event name -> the active endpoints subscribed to it (one query; receivers ask first,
    so an event nobody listens to costs nothing more)."""
    found: dict[str, list[int]] = {}
    for endpoint_id, events in WebhookEndpoint.objects.filter(active=True).values_list(
        "pk", "events"
    ):
        for event in events:
            found.setdefault(event, []).append(endpoint_id)
    return found


def webhook_event_record(
    *, event: str, data: dict[str, Any], endpoint_ids: Iterable[int]
) -> list[WebhookDelivery]:
    """Owe `event` to these endpoints (call inside the event's transaction, with
    `webhook_subscribers()[event]`); each delivery is queued when the transaction commits."""
    if event not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event!r}")
    now = timezone.now()
    event_id = uuid.uuid4()
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event_id=event_id,
            event=event,
            data=data,
            next_attempt_at=now,
            created_at=now,
        )
        for endpoint_id in endpoint_ids
    )
    for delivery in deliveries:
        _queue_on_commit(delivery.pk)
    return deliveries


def webhook_body(delivery: WebhookDelivery) -> bytes:
    """The JSON body sent: `{id, event, created_at, data}`."""
    payload = {
        "id": str(delivery.event_id),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat().replace("+00:00", "Z"),
        "data": delivery.data,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def _post(endpoint: WebhookEndpoint, body: bytes) -> tuple[int | None, str]:
    """POST once: (status code, error). Redirects are not followed (a 3xx is a failure)."""
    timestamp = int(timezone.now().timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: webhook_signature(secret=endpoint.secret, timestamp=timestamp, body=body),
    }
    with requests.Session() as session:
        session.trust_env = False  # no proxies from the environment
        adapter = GuardedAdapter(max_retries=0)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        try:
            response = session.post(
                endpoint.url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False
            )
        except UnsafeAddress as exc:
            return None, str(exc)
        except requests.RequestException as exc:
            return None, f"{type(exc).__name__}: {exc}"[:500]
        response.close()
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, _("The endpoint answered HTTP %(code)d.") % {
        "code": response.status_code
    }


def webhook_deliver(*, delivery_id: int) -> bool:
    """Make one attempt at a pending, due delivery to an active endpoint; True if delivered.

    The row is claimed with SELECT ... FOR UPDATE SKIP LOCKED, so the queued task and the
    sweep never send it twice at once."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(
                pk=delivery_id,
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=timezone.now(),
                endpoint__active=True,
            )
            .first()
        )
        if delivery is None:
            return False
        endpoint = delivery.endpoint
        started = time.monotonic()
        status_code, error = _post(endpoint, webhook_body(delivery))
        duration = int((time.monotonic() - started) * 1000)
        now = timezone.now()
        WebhookAttempt.objects.create(
            delivery=delivery,
            status_code=status_code,
            error=error[:500],
            duration_ms=duration,
            created_at=now,
        )
        delivery.attempts += 1
        delivery.status_code = status_code
        delivery.last_error = error[:500]
        if not error:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        else:
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
            else:
                delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
            _failure_count(endpoint)
        delivery.save(
            update_fields=[
                "attempts",
                "status_code",
                "last_error",
                "status",
                "delivered_at",
                "next_attempt_at",
            ]
        )
    if error:
        logger.warning("webhook delivery %s failed: %s", delivery_id, error)
    return not error


def _failure_count(endpoint: WebhookEndpoint) -> None:
    """One more failure in a row; at the limit the endpoint is switched off and admins told."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    switched_off = WebhookEndpoint.objects.filter(
        pk=endpoint.pk, active=True, consecutive_failures__gte=DISABLE_AFTER
    ).update(active=False, disabled_at=timezone.now())
    if switched_off:
        admins = Member.objects.filter(is_active=True, is_superuser=True)
        notify_many(
            recipient_ids=list(admins.values_list("pk", flat=True)),
            kind=Kind.WEBHOOK_DISABLED,
            url=reverse("webhook-detail", args=[endpoint.pk]),
            data={"url": endpoint.url, "failures": DISABLE_AFTER},
        )


def webhook_due_ids() -> list[int]:
    """Pending deliveries to active endpoints whose time has come, oldest first."""
    return list(
        WebhookDelivery.objects.filter(
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=timezone.now(),
            endpoint__active=True,
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def webhook_sweep() -> int:
    """Send the deliveries that are due (retries, and those whose task was lost)."""
    return sum(webhook_deliver(delivery_id=pk) for pk in webhook_due_ids())
