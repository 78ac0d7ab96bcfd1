"""The notifications admin: notifications are records to read; preferences and email
switches are settings staff may correct."""

from __future__ import annotations

import pytest
from django.test import Client

from community.models import Member
from notifications.models import Channel, EmailSettings, Kind, Notification, Preference
from tests.builders import logged_in, new_member_make
from tests.notifications.inbox_factories import notify_answer

pytestmark = pytest.mark.django_db

ADMIN = "/admin/notifications"


@pytest.fixture
def admin_client() -> Client:
    return logged_in(new_member_make("boss", is_staff=True, is_superuser=True))


def test_every_notifications_admin_page_opens(
    admin_client: Client, asker: Member, helper: Member
) -> None:
    notification = notify_answer(asker, helper, title="Voicemail")
    Preference.objects.create(member=asker, kind=Kind.KUDOS, channel=Channel.NONE)
    EmailSettings.objects.create(member=asker, digest=False)

    for model in ("notification", "preference", "emailsettings"):
        response = admin_client.get(f"{ADMIN}/{model}/")
        assert response.status_code == 200, model
    listing = admin_client.get(f"{ADMIN}/notification/").content.decode()
    assert "Hugo Helper answered your question “Voicemail”." in listing
    detail = admin_client.get(f"{ADMIN}/notification/{notification.pk}/change/")
    assert detail.status_code == 200
    assert 'type="submit"' not in detail.content.decode().split('id="content-main"')[-1]


def test_notifications_cannot_be_added_changed_or_deleted_in_the_admin(
    admin_client: Client, asker: Member, helper: Member
) -> None:
    notification = notify_answer(asker, helper)

    assert admin_client.get(f"{ADMIN}/notification/add/").status_code == 403
    changed = admin_client.post(
        f"{ADMIN}/notification/{notification.pk}/change/", {"url": "/elsewhere/"}
    )
    deleted = admin_client.post(f"{ADMIN}/notification/{notification.pk}/delete/", {"post": "yes"})

    assert changed.status_code == 403
    assert deleted.status_code == 403
    notification.refresh_from_db()
    assert notification.url != "/elsewhere/"


def test_members_who_are_not_staff_cannot_open_the_admin(asker: Member) -> None:
    response = logged_in(asker).get(f"{ADMIN}/notification/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert Notification.objects.count() == 0
