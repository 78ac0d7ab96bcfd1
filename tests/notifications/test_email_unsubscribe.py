"""The one-click unsubscribe link of every email (RFC 8058): GET asks, POST unsubscribes."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from community.models import Member
from notifications import emails, services
from notifications.models import EmailSettings
from tests.notifications.inbox_factories import notify_answer, notify_kudos

pytestmark = pytest.mark.django_db

OnCommit = Callable[..., AbstractContextManager[Any]]


def path_for(member: Member) -> str:
    return f"/notifications/unsubscribe/{emails.unsubscribe_token(member.pk)}/"


def unsubscribed_at(member: Member) -> Any:
    row = EmailSettings.objects.filter(member=member).first()
    return row.unsubscribed_at if row else None


def test_the_link_shows_a_confirmation_with_a_button_and_changes_nothing(
    client: Client, asker: Member
) -> None:
    path = path_for(asker)

    response = client.get(path)
    html = response.content.decode()

    assert response.status_code == 200
    assert f'<form method="post" action="{path}">' in html
    assert '<button type="submit" class="button">Unsubscribe</button>' in html
    assert "@asker" in html
    assert unsubscribed_at(asker) is None
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_button_unsubscribes_without_signing_in_or_a_csrf_token(asker: Member) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(path_for(asker))

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    assert unsubscribed_at(asker) is not None


def test_a_mail_clients_one_click_post_unsubscribes(
    django_capture_on_commit_callbacks: OnCommit, asker: Member, helper: Member
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_answer(asker, helper)
    header = mail.outbox[0].extra_headers["List-Unsubscribe"]
    url = header[1:-1].removeprefix("http://127.0.0.1:8000")

    # What RFC 8058 clients send: a form-encoded POST with this one field.
    response = Client(enforce_csrf_checks=True).post(
        url,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert unsubscribed_at(asker) is not None


def test_unsubscribing_twice_keeps_the_first_time(client: Client, asker: Member) -> None:
    client.post(path_for(asker))
    first = unsubscribed_at(asker)

    client.post(path_for(asker))

    assert unsubscribed_at(asker) == first


def test_after_unsubscribing_no_email_goes_out(
    django_capture_on_commit_callbacks: OnCommit, client: Client, asker: Member, helper: Member
) -> None:
    client.post(path_for(asker))

    with django_capture_on_commit_callbacks(execute=True):
        notify_answer(asker, helper)
    notify_kudos(asker, helper)
    services.digest_send(member_id=asker.pk)

    assert mail.outbox == []


def test_each_link_unsubscribes_only_its_own_member(
    client: Client, asker: Member, helper: Member
) -> None:
    client.post(path_for(asker))

    assert unsubscribed_at(asker) is not None
    assert unsubscribed_at(helper) is None


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "MQ:1xV3JL:forged-signature-000000000000000000000000",
        signing.dumps(1, salt="some.other.purpose"),
        signing.dumps("1", salt=emails.UNSUBSCRIBE_SALT),
        signing.dumps(True, salt=emails.UNSUBSCRIBE_SALT),
    ],
    ids=["garbage", "forged", "other-salt", "not-an-int", "a-bool"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_token_is_a_400_page_that_points_to_the_settings(
    client: Client, asker: Member, token: str, method: str
) -> None:
    response = getattr(client, method)(f"/notifications/unsubscribe/{token}/")
    html = response.content.decode()

    assert response.status_code == 400
    assert "This unsubscribe link doesn" in html
    assert 'href="/settings/notifications/"' in html
    assert unsubscribed_at(asker) is None


def test_an_expired_token_is_a_400(client: Client, asker: Member) -> None:
    path = path_for(asker)
    later = timezone.now() + timedelta(seconds=emails.UNSUBSCRIBE_MAX_AGE + 60)

    with time_machine.travel(later):
        response = client.post(path)

    assert response.status_code == 400
    assert unsubscribed_at(asker) is None


def test_a_token_of_a_closed_account_is_a_400(client: Client, asker: Member) -> None:
    path = path_for(asker)
    asker.is_active = False
    asker.save(update_fields=["is_active"])

    assert client.post(path).status_code == 400


def test_other_methods_are_not_allowed(client: Client, asker: Member) -> None:
    assert client.put(path_for(asker)).status_code == 405
