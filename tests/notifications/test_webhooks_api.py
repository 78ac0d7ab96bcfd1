"""The webhook API: admins only, clear 400s, the secret shown once, the delivery log,
re-send and switching on; and the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from community.models import Member
from notifications.messages import message_for
from notifications.models import Kind, Notification
from notifications.webhooks import services
from notifications.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hooks"


@pytest.fixture
def admin(db: None) -> Member:
    return MemberFactory.create(username="root", is_staff=True, is_superuser=True)


def client_for(member: Member | None) -> Client:
    client = Client()
    if member is not None:
        client.force_login(member)
    return client


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_an_admin_registers_an_endpoint_and_sees_the_secret_once(admin: Member) -> None:
    client = client_for(admin)
    response = post(client, "/api/v1/webhooks/", {"url": URL, "events": ["case.created"]})
    assert response.status_code == 201
    data = response.json()
    assert set(data) >= {"id", "url", "events", "secret", "active"}
    assert data["url"] == URL and data["events"] == ["case.created"] and data["active"] is True
    assert len(data["secret"]) >= 32
    listed = client.get("/api/v1/webhooks/").json()
    assert [e["id"] for e in listed] == [data["id"]]
    assert "secret" not in listed[0]


def test_a_given_secret_is_kept(admin: Member) -> None:
    body = {"url": URL, "events": ["flag.created"], "secret": "my-own-secret-1234"}
    response = post(client_for(admin), "/api/v1/webhooks/", body)
    assert response.status_code == 201 and response.json()["secret"] == "my-own-secret-1234"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://hooks.example.com/x", "events": ["case.created"]}, "url"),
        ({"url": "ftp://x.example.com/", "events": ["case.created"]}, "url"),
        ({"url": URL, "events": []}, "events"),
        ({"url": URL, "events": ["case.deleted"]}, "events"),
        ({"url": URL, "events": "case.created"}, "events"),
        ({"url": URL, "events": ["case.created"], "secret": "short"}, "secret"),
        ({"events": ["case.created"]}, "url"),
    ],
)
def test_bad_input_is_a_400_on_its_field(admin: Member, body: dict[str, Any], field: str) -> None:
    response = post(client_for(admin), "/api/v1/webhooks/", body)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not WebhookEndpoint.objects.exists()


def test_only_admins_may(admin: Member, agent: Member, moderator: Member, asker: Member) -> None:
    endpoint = services.webhook_endpoint_create(actor=admin, url=URL, events=["case.created"])
    paths = ["/api/v1/webhooks/", f"/api/v1/webhooks/{endpoint.pk}/deliveries/"]
    for path in paths:
        assert client_for(None).get(path).status_code == 401
        for member in (agent, moderator, asker):
            assert client_for(member).get(path).status_code == 403
        assert client_for(admin).get(path).status_code == 200
    body = {"url": URL, "events": ["case.created"]}
    assert post(client_for(agent), "/api/v1/webhooks/", body).status_code == 403
    assert WebhookEndpoint.objects.count() == 1


def test_the_delivery_log_and_a_resend(
    admin: Member, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = services.webhook_endpoint_create(actor=admin, url=URL, events=["case.created"])
    [delivery] = services.webhook_event_record(
        event="case.created", data={"case": {"id": 7}}, endpoint_ids=[endpoint.pk]
    )
    services.webhook_deliver(delivery_id=delivery.pk)  # nothing listens on port 9
    client = client_for(admin)
    log = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    assert [
        {k: row[k] for k in ("id", "event", "status_code", "attempts", "delivered_at")}
        for row in log
    ] == [
        {
            "id": delivery.pk,
            "event": "case.created",
            "status_code": None,
            "attempts": 1,
            "delivered_at": None,
        }
    ]
    assert log[0]["created_at"] and log[0]["attempt_log"][0]["error"]
    path = f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/resend/"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, path, {})
    # Accepted and queued: the attempt is made once the request's transaction commits.
    assert response.status_code == 202 and response.json()["status"] == "pending"
    assert WebhookDelivery.objects.get().attempts == 2
    assert client.get(f"/api/v1/webhooks/{endpoint.pk + 1}/deliveries/").status_code == 404


def test_resending_to_a_switched_off_endpoint_is_a_400_then_enable(admin: Member) -> None:
    endpoint = services.webhook_endpoint_create(actor=admin, url=URL, events=["case.created"])
    [delivery] = services.webhook_event_record(
        event="case.created", data={}, endpoint_ids=[endpoint.pk]
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    client = client_for(admin)
    path = f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/resend/"
    response = post(client, path, {})
    assert response.status_code == 400 and "switched off" in response.json()["detail"]
    response = post(client, f"/api/v1/webhooks/{endpoint.pk}/enable/", {})
    assert response.status_code == 200 and response.json()["active"] is True


def test_deleting_an_endpoint(admin: Member) -> None:
    endpoint = services.webhook_endpoint_create(actor=admin, url=URL, events=["case.created"])
    response = client_for(admin).delete(f"/api/v1/webhooks/{endpoint.pk}/")
    assert response.status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_the_schema_lists_the_webhook_endpoints(admin: Member) -> None:
    schema = client_for(admin).get("/api/v1/schema/?format=json").json()
    assert "/api/v1/webhooks/" in schema["paths"]
    assert "/api/v1/webhooks/{id}/deliveries/" in schema["paths"]


# --- the pages -------------------------------------------------------------------------------


def test_the_page_adds_an_endpoint_and_shows_the_secret_once(admin: Member) -> None:
    client = client_for(admin)
    response = client.post(
        "/support/webhooks/", {"url": URL, "events": ["case.created", "flag.created"]}
    )
    endpoint = WebhookEndpoint.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/support/webhooks/{endpoint.pk}/"
    )
    page = client.get(response["Location"]).content.decode()
    assert endpoint.secret in page
    assert endpoint.secret not in client.get(response["Location"]).content.decode()


def test_the_page_shows_clear_errors(admin: Member) -> None:
    response = client_for(admin).post(
        "/support/webhooks/", {"url": "http://hooks.example.com/", "events": []}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose at least one event." in page
    response = client_for(admin).post(
        "/support/webhooks/", {"url": "http://hooks.example.com/", "events": ["case.created"]}
    )
    assert "https://" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_pages_are_404_to_everyone_but_admins(admin: Member, agent: Member) -> None:
    assert client_for(agent).get("/support/webhooks/").status_code == 404
    assert client_for(None).get("/support/webhooks/").status_code == 302
    assert client_for(admin).get("/support/webhooks/").status_code == 200


def test_the_page_resends_and_switches_on(
    admin: Member, django_capture_on_commit_callbacks: Any
) -> None:
    endpoint = services.webhook_endpoint_create(actor=admin, url=URL, events=["case.created"])
    [delivery] = services.webhook_event_record(
        event="case.created", data={}, endpoint_ids=[endpoint.pk]
    )
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False, consecutive_failures=10)
    client = client_for(admin)
    page = client.get(f"/support/webhooks/{endpoint.pk}/").content.decode()
    assert "switched off after 10 failed deliveries" in page
    client.post(f"/support/webhooks/{endpoint.pk}/enable/")
    assert WebhookEndpoint.objects.get().active
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/support/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/resend/")
    assert WebhookDelivery.objects.get().attempts == 1


def test_the_page_in_italian(admin: Member) -> None:
    client = client_for(admin)
    with translation.override("it"):
        page = client.get("/support/webhooks/", HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Aggiungi un endpoint" in page
    response = client.post(
        "/api/v1/webhooks/",
        {"url": "http://hooks.example.com/", "events": ["case.created"]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="it",
    )
    assert response.status_code == 400
    assert "I webhook richiedono https://" in response.json()["url"][0]
    notice = Notification(kind=Kind.WEBHOOK_DISABLED, data={"url": URL, "failures": 10})
    with translation.override("it"):
        assert message_for(notice) == (
            f"Il webhook verso {URL} è stato disattivato dopo 10 consegne fallite di fila."
        )


@pytest.mark.parametrize("size", [2, 20])
def test_the_log_costs_the_same_queries_at_any_size(
    admin: Member, size: int, django_assert_max_num_queries: Any
) -> None:
    endpoint = services.webhook_endpoint_create(actor=admin, url=URL, events=["case.created"])
    for _ in range(size):
        [delivery] = services.webhook_event_record(
            event="case.created", data={}, endpoint_ids=[endpoint.pk]
        )
        services.webhook_deliver(delivery_id=delivery.pk)
    client = client_for(admin)
    # Session, member, the endpoint, the deliveries and their attempts (one prefetch); the
    # page adds the header's unread count; staff add their second factor's check
    # (community/second_factor.py). The same at 2 and at 20 deliveries.
    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/")
    assert len(response.json()) == size
    with django_assert_max_num_queries(7):
        page = client.get(f"/support/webhooks/{endpoint.pk}/")
    assert page.content.decode().count("data-delivery=") == size
