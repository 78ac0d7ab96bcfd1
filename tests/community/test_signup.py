"""Signing up through django-allauth's real view, with Mutua's display name and avatar."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib import auth
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from community.images import MAX_UPLOAD_BYTES
from community.models import Member
from tests.community.images import (
    exif_with_gps_and_camera,
    image_bytes,
    media_files,
    noise_png,
    png_upload,
    two_colour_bytes,
    upload,
)

NEW_PASSWORD = "plum-orchard-lantern-42"
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^\s/]+/)")


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # allauth's rate limits (sign-ups per IP and so on) live in the default cache.
    cache.clear()
    yield
    cache.clear()


def signup_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "display_name": "Nina Newbie",
        "avatar": png_upload(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def sign_up(client: Client, **overrides: Any) -> Any:
    return client.post(reverse("account_signup"), signup_data(**overrides))


def confirm_link(message: mail.EmailMessage) -> str:
    match = CONFIRM_LINK.search(str(message.body))
    assert match, message.body
    return match.group(1)


def test_the_sign_up_page_asks_for_a_display_name_and_an_avatar_in_a_multipart_form(
    client: Client, db: None
) -> None:
    response = client.get(reverse("account_signup"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'name="display_name"' in html
    assert 'type="file" name="avatar"' in html


def test_signing_up_creates_an_unverified_member_and_emails_a_confirmation_link(
    client: Client, db: None, mailoutbox: list[mail.EmailMessage], settings: Any
) -> None:
    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    member = Member.objects.get(username="newbie")
    assert member.email == "newbie@example.com"
    assert member.is_active
    assert not member.is_staff and not member.is_superuser
    assert member.check_password(NEW_PASSWORD)
    address = EmailAddress.objects.get(user=member)
    assert address.email == "newbie@example.com"
    assert address.primary
    assert not address.verified
    # Mandatory verification: nobody is logged in yet.
    assert auth.get_user(client).is_anonymous
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["newbie@example.com"]
    assert message.subject.startswith("[Mutua] ")
    assert confirm_link(message).startswith("/accounts/confirm-email/")


def test_following_the_confirmation_link_verifies_the_address_and_logs_the_member_in(
    client: Client, db: None, mailoutbox: list[mail.EmailMessage]
) -> None:
    sign_up(client)
    link = confirm_link(mailoutbox[0])
    member = Member.objects.get(username="newbie")

    page = client.get(link)

    # Opening the link (mail scanners do) only shows the confirm button.
    assert page.status_code == 200
    assert "newbie@example.com" in page.content.decode()
    assert not EmailAddress.objects.get(user=member).verified
    assert auth.get_user(client).is_anonymous

    confirmed = client.post(link)

    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse("home")
    assert EmailAddress.objects.get(user=member).verified
    assert auth.get_user(client).pk == member.pk


def test_a_member_who_has_not_confirmed_cannot_log_in_yet(client: Client, db: None) -> None:
    sign_up(client)
    client.logout()

    response = client.post(reverse("account_login"), {"login": "newbie", "password": NEW_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert auth.get_user(client).is_anonymous


def test_the_display_name_and_avatar_given_at_sign_up_are_stored(
    client: Client, db: None, settings: Any
) -> None:
    sign_up(client, display_name="  Nina Newbie  ", avatar=png_upload((400, 300)))

    member = Member.objects.get(username="newbie")
    assert member.display_name == "Nina Newbie"
    assert member.name == "Nina Newbie"
    stored = {"small": member.avatar_small, "large": member.avatar_large}
    for key, side in [("small", 64), ("large", 256)]:
        field = stored[key]
        assert str(field.name).startswith("avatars/")
        assert str(field.name).endswith(f"-{side}.webp")
        with Image.open(field.path) as image:
            assert image.format == "WEBP"
            assert image.size == (side, side)
    media_root = Path(settings.MEDIA_ROOT)
    assert media_files(media_root) == sorted(
        [media_root / str(member.avatar_small.name), media_root / str(member.avatar_large.name)]
    )


def test_the_avatar_stored_at_sign_up_carries_no_metadata(client: Client, db: None) -> None:
    photo = two_colour_bytes((200, 100), exif=exif_with_gps_and_camera(orientation=6))

    sign_up(client, avatar=upload(photo, "me.jpg", "image/jpeg"))

    member = Member.objects.get(username="newbie")
    for field in (member.avatar_small, member.avatar_large):
        with Image.open(field.path) as image:
            assert dict(image.getexif()) == {}
            assert not {"exif", "icc_profile", "xmp"} & set(image.info)


def test_signing_up_without_a_display_name_or_avatar_uses_the_username(
    client: Client, db: None, settings: Any
) -> None:
    response = sign_up(client, display_name="", avatar=None)

    assert response.status_code == 302
    member = Member.objects.get(username="newbie")
    assert member.display_name == ""
    assert member.name == "newbie"
    assert not member.avatar_small
    assert not member.avatar_large
    assert media_files(settings.MEDIA_ROOT) == []


# --- Bad input: a form error, and nothing created, sent or written ---------------------------


def oversized_upload() -> SimpleUploadedFile:
    return upload(noise_png(MAX_UPLOAD_BYTES + 1), "huge.png")


def many_pixels_upload() -> SimpleUploadedFile:
    return upload(image_bytes((6000, 5000), 0, mode="1"), "wide.png")


def fake_image_upload() -> SimpleUploadedFile:
    return upload(b"I am a text file wearing a .png hat.\n" * 10, "fake.png")


def gif_upload() -> SimpleUploadedFile:
    return upload(image_bytes(fmt="GIF"), "anim.gif", "image/gif")


def truncated_jpeg_upload() -> SimpleUploadedFile:
    data = two_colour_bytes((400, 300), fmt="JPEG")
    return upload(data[: len(data) // 2], "broken.jpg", "image/jpeg")


BAD_SIGNUPS: list[Any] = [
    pytest.param({"username": "asker"}, "username", "already exists", id="taken-username"),
    pytest.param({"username": "Asker"}, "username", "already exists", id="taken-username-cased"),
    pytest.param({"username": "ASKER"}, "username", "already exists", id="taken-username-upper"),
    pytest.param({"username": "bad name"}, "username", "Use only letters", id="space"),
    pytest.param({"username": "a/b"}, "username", "Use only letters", id="slash"),
    pytest.param({"username": "@anna"}, "username", "Use only letters", id="at-sign"),
    pytest.param({"username": "@x"}, "username", "at least 3", id="at-sign-short"),
    pytest.param({"username": "x<script>"}, "username", "Use only letters", id="markup"),
    pytest.param({"username": "ab"}, "username", "at least 3", id="too-short"),
    pytest.param({"username": "x" * 31}, "username", "at most 30", id="too-long"),
    pytest.param({"username": "Admin"}, "username", "can not be used", id="reserved"),
    pytest.param({"username": "support"}, "username", "can not be used", id="reserved-support"),
    pytest.param(
        {"password1": "password", "password2": "password"},
        "password1",
        "too common",
        id="common-password",
    ),
    pytest.param(
        {"password1": "8302749165023", "password2": "8302749165023"},
        "password1",
        "entirely numeric",
        id="numeric-password",
    ),
    pytest.param(
        {"password1": "k9#Lm", "password2": "k9#Lm"}, "password1", "too short", id="short-password"
    ),
    pytest.param(
        {"password1": "newbie1234", "password2": "newbie1234"},
        "password1",
        "too similar",
        id="password-like-username",
    ),
    pytest.param(
        {"password2": NEW_PASSWORD + "x"}, "password2", "same password", id="mismatched-passwords"
    ),
    pytest.param({"email": "not-an-email"}, "email", "valid email", id="bad-email"),
    pytest.param({"email": "newbie@"}, "email", "valid email", id="half-an-email"),
    pytest.param({"email": ""}, "email", "required", id="no-email"),
    pytest.param({"display_name": "N" * 51}, "display_name", "at most 50", id="long-name"),
    pytest.param({"avatar": oversized_upload}, "avatar", "limit is 5 MB", id="oversized"),
    pytest.param({"avatar": many_pixels_upload}, "avatar", "25 megapixels", id="too-many-pixels"),
    pytest.param({"avatar": fake_image_upload}, "avatar", "not an image", id="fake-image"),
    pytest.param({"avatar": gif_upload}, "avatar", "(this one is GIF)", id="gif"),
    pytest.param({"avatar": truncated_jpeg_upload}, "avatar", "damaged", id="truncated-jpeg"),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_SIGNUPS)
def test_signing_up_with_bad_input_shows_a_form_error_and_creates_nothing(
    client: Client,
    asker: Member,
    mailoutbox: list[mail.EmailMessage],
    settings: Any,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    overrides = {k: v() if callable(v) else v for k, v in overrides.items()}
    members, addresses = Member.objects.count(), EmailAddress.objects.count()

    response = sign_up(client, **overrides)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert any(message in error for error in errors[field]), errors[field]
    assert Member.objects.count() == members
    assert EmailAddress.objects.count() == addresses
    assert mailoutbox == []
    assert media_files(settings.MEDIA_ROOT) == []
    assert auth.get_user(client).is_anonymous


def test_each_bad_avatar_message_is_shown_on_the_sign_up_page(client: Client, db: None) -> None:
    response = sign_up(client, avatar=gif_upload())

    assert "Upload a JPEG, PNG or WebP image (this one is GIF)." in response.content.decode()


def test_signing_up_with_an_email_already_in_use_creates_nothing_and_reveals_nothing(
    client: Client, asker: Member, mailoutbox: list[mail.EmailMessage], settings: Any
) -> None:
    """allauth's enumeration prevention: the page looks like a successful sign-up, and the
    owner of the address is told by email that they already have an account."""
    members, addresses = Member.objects.count(), EmailAddress.objects.count()

    response = sign_up(client, username="someone-else", email="ASKER@example.com")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert Member.objects.count() == members
    assert EmailAddress.objects.count() == addresses
    assert not Member.objects.filter(username="someone-else").exists()
    assert media_files(settings.MEDIA_ROOT) == []
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["asker@example.com"]
    assert not CONFIRM_LINK.search(str(mailoutbox[0].body))
    assert auth.get_user(client).is_anonymous


@pytest.mark.parametrize(
    "make_avatar",
    [oversized_upload, fake_image_upload],
    ids=["oversized", "fake-image"],
)
def test_a_bad_avatar_with_an_otherwise_good_sign_up_still_creates_nothing(
    client: Client,
    db: None,
    mailoutbox: list[mail.EmailMessage],
    settings: Any,
    make_avatar: Callable[[], SimpleUploadedFile],
) -> None:
    response = sign_up(client, avatar=make_avatar())

    assert response.status_code == 200
    assert not Member.objects.filter(username__iexact="newbie").exists()
    assert not EmailAddress.objects.filter(email="newbie@example.com").exists()
    assert mailoutbox == []
    assert media_files(settings.MEDIA_ROOT) == []

    # Fixing the avatar is all it takes.
    retry = sign_up(client, avatar=png_upload())

    assert retry.status_code == 302
    assert Member.objects.filter(username="newbie").exists()
    assert len(mailoutbox) == 1


def test_a_username_with_look_alike_letters_from_another_script_is_refused(
    client: Client, asker: Member
) -> None:
    # "аsker" starts with a Cyrillic а: it would pass for @asker in a thread.
    response = client.post(
        reverse("account_signup"),
        {
            "username": "\u0430sker",
            "email": "lookalike@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert not Member.objects.filter(email="lookalike@example.com").exists()
