"""The notification settings page and the services behind it: a channel per kind, the daily
digest, and unsubscribing from all email."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from community.models import Member
from notifications import services
from notifications.models import (
    DEFAULT_CHANNELS,
    Channel,
    EmailSettings,
    Kind,
    Preference,
    default_channel,
)
from tests.builders import logged_in, new_member_make

pytestmark = pytest.mark.django_db

PAGE = "/settings/notifications/"


def checked(html: str, name: str) -> list[str]:
    """The values of the checked inputs called `name`."""
    found = []
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and " checked" in tag:
            value = re.search(r'value="([^"]*)"', tag)
            found.append(value.group(1) if value else "on")
    return found


def form_data(**changes: Any) -> dict[str, Any]:
    """Every kind at its default and the digest on, with `changes` on top."""
    data: dict[str, Any] = {f"kind_{kind}": default_channel(kind) for kind in Kind.values}
    data["digest"] = "on"
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


# ---------------------------------------------------------------------------- the page


def test_the_page_shows_every_kind_at_its_default_and_the_digest_on(asker: Member) -> None:
    response = logged_in(asker).get(PAGE)
    html = response.content.decode()

    assert response.status_code == 200
    for kind in Kind.values:
        assert checked(html, f"kind_{kind}") == [default_channel(kind)], kind
    assert checked(html, "kind_answer") == ["both"]
    assert checked(html, "kind_kudos") == ["site"]
    assert checked(html, "digest") == ["on"]
    assert checked(html, "unsubscribed") == []
    for label in Channel.labels:
        assert f">{label}</th>" in html
    assert "Emailed at once." in html and "By email: once a day, in one email." in html
    assert "no confirmed email address" not in html


def test_the_page_shows_the_members_own_choices(asker: Member) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.KUDOS, channel=Channel.NONE)
    services.email_settings_update(member_id=asker.pk, digest=False, unsubscribed=True)

    html = logged_in(asker).get(PAGE).content.decode()

    assert checked(html, "kind_kudos") == ["none"]
    assert checked(html, "digest") == []
    assert checked(html, "unsubscribed") == ["on"]


def test_saving_stores_only_what_differs_from_the_defaults(asker: Member) -> None:
    client = logged_in(asker)

    response = client.post(
        PAGE, form_data(kind_kudos="none", kind_answer="site", digest=None), follow=True
    )

    assert response.redirect_chain == [(PAGE, 302)]
    assert "Your notification settings are saved." in response.content.decode()
    assert dict(Preference.objects.filter(member=asker).values_list("kind", "channel")) == {
        "kudos": "none",
        "answer": "site",
    }
    row = EmailSettings.objects.get(member=asker)
    assert row.digest is False
    assert row.unsubscribed_at is None


def test_choosing_a_default_again_forgets_the_choice(asker: Member) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.KUDOS, channel=Channel.NONE)

    logged_in(asker).post(PAGE, form_data())

    assert not Preference.objects.filter(member=asker).exists()


def test_the_unsubscribe_switch_turns_all_email_off_and_on_again(asker: Member) -> None:
    client = logged_in(asker)

    client.post(PAGE, form_data(unsubscribed="on"))
    assert EmailSettings.objects.get(member=asker).unsubscribed_at is not None

    client.post(PAGE, form_data())
    assert EmailSettings.objects.get(member=asker).unsubscribed_at is None


def test_saving_changes_only_the_members_own_settings(asker: Member, helper: Member) -> None:
    logged_in(asker).post(PAGE, form_data(kind_kudos="email", digest=None))

    assert not Preference.objects.filter(member=helper).exists()
    assert not EmailSettings.objects.filter(member=helper).exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"kind_kudos": "carrier-pigeon"},
        {"kind_kudos": ""},
        {"kind_answer": None},
    ],
    ids=["unknown-channel", "empty", "missing-kind"],
)
def test_a_bad_choice_is_a_400_that_saves_nothing(asker: Member, bad: dict[str, Any]) -> None:
    response = logged_in(asker).post(PAGE, form_data(kind_mention="site", digest=None, **bad))

    assert response.status_code == 400
    assert "Please correct the choices marked below." in response.content.decode()
    assert not Preference.objects.filter(member=asker).exists()
    assert not EmailSettings.objects.filter(member=asker).exists()


def test_the_page_warns_a_member_without_a_confirmed_address() -> None:
    unconfirmed = new_member_make(verified=False)

    html = logged_in(unconfirmed).get(PAGE).content.decode()

    assert "You have no confirmed email address" in html
    assert 'href="/accounts/email/"' in html


def test_the_page_checks_the_csrf_token(asker: Member) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(asker)

    assert client.post(PAGE, form_data(kind_kudos="none")).status_code == 403
    assert not Preference.objects.filter(member=asker).exists()


def test_the_inbox_links_to_the_settings(asker: Member) -> None:
    assert f'href="{PAGE}"' in logged_in(asker).get("/notifications/").content.decode()


# ---------------------------------------------------------------------------- the services


def test_preference_set_refuses_an_unknown_kind_or_channel(asker: Member) -> None:
    with pytest.raises(ValidationError) as bad_kind:
        services.preference_set(member_id=asker.pk, kind="telepathy", channel=Channel.SITE)
    with pytest.raises(ValidationError) as bad_channel:
        services.preference_set(member_id=asker.pk, kind=Kind.KUDOS, channel="fax")

    assert "kind" in bad_kind.value.message_dict
    assert "channel" in bad_channel.value.message_dict
    assert not Preference.objects.exists()


def test_preferences_update_is_all_or_nothing(asker: Member) -> None:
    with pytest.raises(ValidationError):
        services.preferences_update(
            member_id=asker.pk, channels={Kind.KUDOS: Channel.NONE, Kind.BADGE: "smoke-signal"}
        )

    assert not Preference.objects.exists()


def test_email_settings_update_refuses_what_is_not_true_or_false(asker: Member) -> None:
    with pytest.raises(ValidationError) as error:
        services.email_settings_update(member_id=asker.pk, digest="yes")  # type: ignore[arg-type]

    assert "digest" in error.value.message_dict


def test_email_settings_update_leaves_alone_what_it_is_not_given(asker: Member) -> None:
    services.email_settings_update(member_id=asker.pk, digest=False)
    services.email_settings_update(member_id=asker.pk, unsubscribed=True)

    row = EmailSettings.objects.get(member=asker)
    assert row.digest is False
    assert row.unsubscribed_at is not None


def test_channels_for_fills_in_the_defaults(asker: Member) -> None:
    services.preference_set(member_id=asker.pk, kind=Kind.KUDOS, channel=Channel.EMAIL)

    channels = services.channels_for(member_id=asker.pk)

    assert set(channels) == set(Kind.values)
    assert channels[Kind.KUDOS] == Channel.EMAIL
    assert channels[Kind.ANSWER] == DEFAULT_CHANNELS[Kind.ANSWER] == Channel.BOTH
    assert channels[Kind.BADGE] == Channel.SITE
