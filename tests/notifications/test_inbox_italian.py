"""The inbox speaks the reader's language: messages are written when read, not when stored."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from community.models import Member
from notifications.messages import message_for
from notifications.models import Notification
from tests.builders import api_client, logged_in
from tests.notifications.inbox_factories import HTMX, notify_answer

pytestmark = pytest.mark.django_db


def italian(message: str) -> str:
    with translation.override("it"):
        return translation.gettext(message)


def in_italian(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
    return client


def test_the_inbox_renders_in_italian_for_an_italian_reader(asker: Member, helper: Member) -> None:
    notification = notify_answer(asker, helper, title="Segreteria telefonica")
    stored = Notification.objects.select_related("actor").get(pk=notification.pk)
    with translation.override("it"):
        expected = message_for(stored)

    response = in_italian(logged_in(asker)).get("/notifications/")
    html = response.content.decode()

    assert response["Content-Language"] == "it"
    assert '<html lang="it">' in html
    assert f"<h1>{italian('Notifications')}</h1>" in html
    assert italian("Notifications") == "Notifiche"
    assert f'aria-current="page">{italian("All")}</a>' in html
    assert expected in html
    for english in ("Mark all as read", "Notification settings", "Unread"):
        assert italian(english) in html


def test_the_same_notification_reads_in_each_readers_language(
    asker: Member, helper: Member
) -> None:
    notify_answer(asker, helper, title="Roaming")
    english_client = logged_in(asker)
    italian_client = in_italian(logged_in(asker))

    english = english_client.get("/notifications/").content.decode()
    italiano = italian_client.get("/notifications/").content.decode()

    assert "Hugo Helper answered your question “Roaming”." in english
    assert '<html lang="en-gb">' in english
    assert '<html lang="it">' in italiano
    assert (
        italian("See all")
        in italian_client.get("/notifications/dropdown/", headers=HTMX).content.decode()
    )


def test_the_api_writes_messages_in_the_requested_language(asker: Member, helper: Member) -> None:
    notification = notify_answer(asker, helper, title="Fattura")
    stored = Notification.objects.select_related("actor").get(pk=notification.pk)
    with translation.override("it"):
        expected = message_for(stored)

    response = api_client(asker).get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="it")

    assert response["Content-Language"] == "it"
    assert response.json()["results"][0]["message"] == expected
