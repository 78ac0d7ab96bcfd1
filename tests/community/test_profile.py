"""The public profile page, the profile editor, and the small pages around them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from community import services
from community.images import MAX_UPLOAD_BYTES, avatar_thumbnails
from community.models import Member
from community.views import lists as views
from tests.community.images import (
    image_bytes,
    media_files,
    noise_png,
    png_upload,
    upload,
)
from tests.factories import MemberFactory

EDIT_URL = "/settings/profile/"


def give_avatar(member: Member) -> tuple[str, str]:
    services.member_profile_update(
        member=member,
        display_name=member.display_name,
        bio=member.bio,
        avatar=avatar_thumbnails(png_upload()),
    )
    member.refresh_from_db()
    return str(member.avatar_small.name), str(member.avatar_large.name)


def stored(settings: Any, name: str | None) -> Path:
    return Path(settings.MEDIA_ROOT) / str(name)


# --- The profile page ----------------------------------------------------------------------


def test_the_profile_page_shows_the_name_username_bio_and_join_date(
    client: Client, asker: Member
) -> None:
    asker.bio = "Roaming, eSIMs and\nold phones."
    asker.date_joined = dt.datetime(2023, 8, 14, 12, 0, tzinfo=dt.UTC)
    asker.save()

    response = client.get("/members/asker/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Anna Asker</h1>" in html
    assert "@asker" in html
    assert "Roaming, eSIMs and<br>old phones." in html
    assert "Member since 14 Aug 2023" in html
    assert "role-badge" not in html
    assert response.context["member"] == asker


def test_a_member_without_a_display_name_is_shown_by_username(client: Client, db: None) -> None:
    MemberFactory.create(username="quiet", display_name="")

    html = client.get("/members/quiet/").content.decode()

    assert "<h1>quiet</h1>" in html


@pytest.mark.parametrize(
    ("persona", "label"),
    [("agent", "Agent"), ("moderator", "Moderator"), ("superuser", "Admin")],
)
def test_staff_profiles_show_their_role_badge(
    client: Client, request: pytest.FixtureRequest, persona: str, label: str, db: None
) -> None:
    if persona == "superuser":
        member = Member.objects.create_superuser("boss", "boss@example.com", "x" * 12)
    else:
        member = request.getfixturevalue(persona)

    html = client.get(member.get_absolute_url()).content.decode()

    assert f'<span class="role-badge">{label}</span>' in html


def test_the_bio_and_name_are_escaped_not_run(client: Client, asker: Member) -> None:
    asker.display_name = "<b>Anna</b>"
    asker.bio = '<script>alert("hi")</script>'
    asker.save()

    html = client.get("/members/asker/").content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html
    assert "<b>Anna</b>" not in html


def test_the_profile_shows_the_large_avatar_or_else_an_initial(
    client: Client, asker: Member
) -> None:
    without = client.get("/members/asker/").content.decode()
    assert "avatar-initial" in without
    assert ">A</span>" in without

    give_avatar(asker)
    with_avatar = client.get("/members/asker/").content.decode()

    assert f'src="{asker.avatar_large.url}"' in with_avatar
    assert asker.avatar_large.url.startswith("/media/avatars/")
    assert "avatar-initial" not in with_avatar


def test_only_the_member_sees_the_edit_link_on_their_profile(
    client: Client, asker: Member, helper: Member
) -> None:
    # The button in the profile header (the menu has its own link for logged-in members).
    button = f'class="button button-quiet profile-edit" href="{EDIT_URL}"'
    assert button not in client.get("/members/asker/").content.decode()

    client.force_login(asker)

    assert button in client.get("/members/asker/").content.decode()
    assert button not in client.get("/members/helper/").content.decode()


@pytest.mark.parametrize("path", ["/members/ASKER/", "/members/Asker/", "/members/aSkEr/"])
def test_a_differently_cased_profile_url_redirects_permanently_to_the_real_one(
    client: Client, asker: Member, path: str
) -> None:
    response = client.get(path)

    assert response.status_code == 301
    assert response["Location"] == "/members/asker/"


def test_a_mixed_case_username_is_its_own_canonical_url(client: Client, db: None) -> None:
    member = MemberFactory.create(username="AnnaB")

    assert member.get_absolute_url() == "/members/AnnaB/"
    assert client.get("/members/AnnaB/").status_code == 200
    redirect = client.get("/members/annab/")
    assert redirect.status_code == 301
    assert redirect["Location"] == "/members/AnnaB/"


def test_an_unknown_member_is_a_404(client: Client, asker: Member) -> None:
    assert client.get("/members/nobody/").status_code == 404


def test_a_deactivated_member_is_a_404_whatever_the_case(client: Client, asker: Member) -> None:
    asker.is_active = False
    asker.save()

    assert client.get("/members/asker/").status_code == 404
    assert client.get("/members/Asker/").status_code == 404


def test_the_profile_page_only_answers_get(client: Client, asker: Member) -> None:
    assert client.post("/members/asker/").status_code == 405


# --- The profile editor --------------------------------------------------------------------


def test_the_editor_requires_logging_in(client: Client, asker: Member) -> None:
    response = client.get(EDIT_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={EDIT_URL}"


def test_an_anonymous_post_to_the_editor_changes_nothing(client: Client, asker: Member) -> None:
    response = client.post(EDIT_URL, {"display_name": "Hacked", "bio": "pwned"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    asker.refresh_from_db()
    assert asker.display_name == "Anna Asker"
    assert asker.bio == ""


def test_the_editor_is_filled_in_with_the_current_profile(client: Client, asker: Member) -> None:
    asker.bio = "Hello there."
    asker.save()
    client.force_login(asker)

    response = client.get(EDIT_URL)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {"display_name": "Anna Asker", "bio": "Hello there."}
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'value="Anna Asker"' in html


def test_saving_the_editor_updates_the_display_name_and_bio(client: Client, asker: Member) -> None:
    client.force_login(asker)

    response = client.post(
        EDIT_URL, {"display_name": "  Anna A.  ", "bio": "  Fixes routers.  "}, follow=True
    )

    assert response.redirect_chain == [("/members/asker/", 302)]
    asker.refresh_from_db()
    assert asker.display_name == "Anna A."
    assert asker.bio == "Fixes routers."
    html = response.content.decode()
    assert "Your profile has been saved." in html
    assert "<h1>Anna A.</h1>" in html


def test_clearing_the_display_name_falls_back_to_the_username(
    client: Client, asker: Member
) -> None:
    client.force_login(asker)

    client.post(EDIT_URL, {"display_name": "", "bio": ""})

    asker.refresh_from_db()
    assert asker.display_name == ""
    assert asker.name == "asker"


def test_the_editor_changes_only_the_logged_in_member(
    client: Client, asker: Member, helper: Member
) -> None:
    client.force_login(asker)

    client.post(EDIT_URL, {"display_name": "Someone", "bio": "x", "username": "helper"})

    helper.refresh_from_db()
    assert helper.display_name == "Hugo Helper"
    asker.refresh_from_db()
    assert asker.display_name == "Someone"
    assert asker.username == "asker"


def test_saving_without_a_new_file_keeps_the_avatar(
    client: Client, asker: Member, settings: Any
) -> None:
    small, large = give_avatar(asker)
    client.force_login(asker)

    client.post(EDIT_URL, {"display_name": "Anna", "bio": ""})

    asker.refresh_from_db()
    assert (asker.avatar_small.name, asker.avatar_large.name) == (small, large)
    assert stored(settings, small).exists()
    assert stored(settings, large).exists()


def test_a_new_avatar_replaces_the_old_one_whose_files_go_only_after_commit(
    client: Client,
    asker: Member,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    old_small, old_large = give_avatar(asker)
    client.force_login(asker)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(EDIT_URL, {"display_name": "Anna", "avatar": png_upload()})

    assert response.status_code == 302
    asker.refresh_from_db()
    assert asker.avatar_small.name not in {old_small, old_large}
    assert asker.avatar_large.name not in {old_small, old_large}
    # Until the transaction commits, the old files stay: a rollback would still need them.
    assert stored(settings, old_small).exists()
    assert stored(settings, old_large).exists()
    assert len(callbacks) == 1

    callbacks[0]()

    assert not stored(settings, old_small).exists()
    assert not stored(settings, old_large).exists()
    assert media_files(settings.MEDIA_ROOT) == sorted(
        [stored(settings, asker.avatar_small.name), stored(settings, asker.avatar_large.name)]
    )


def test_a_replaced_avatar_is_stored_as_fresh_64_and_256_pixel_webp_files(
    client: Client,
    asker: Member,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    old_small, old_large = give_avatar(asker)
    client.force_login(asker)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(EDIT_URL, {"display_name": "Anna", "avatar": png_upload((500, 800))})

    asker.refresh_from_db()
    for field, side in [(asker.avatar_small, 64), (asker.avatar_large, 256)]:
        with Image.open(field.path) as image:
            assert (image.format, image.size) == ("WEBP", (side, side))
    remaining = media_files(settings.MEDIA_ROOT)
    assert stored(settings, old_small) not in remaining
    assert stored(settings, old_large) not in remaining
    assert len(remaining) == 2


def test_a_first_avatar_deletes_nothing(
    client: Client,
    asker: Member,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client.force_login(asker)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(EDIT_URL, {"display_name": "Anna", "avatar": png_upload()})

    assert callbacks == []
    asker.refresh_from_db()
    assert len(media_files(settings.MEDIA_ROOT)) == 2
    assert Path(asker.avatar_small.path).exists()


def test_removing_the_avatar_clears_it_and_deletes_its_files_after_commit(
    client: Client,
    asker: Member,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    old_small, old_large = give_avatar(asker)
    client.force_login(asker)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            EDIT_URL, {"display_name": "Anna Asker", "bio": "", "remove_avatar": "on"}
        )

    assert response.status_code == 302
    assert len(callbacks) == 1
    asker.refresh_from_db()
    assert not asker.avatar_small
    assert not asker.avatar_large
    assert media_files(settings.MEDIA_ROOT) == []
    assert "avatar-initial" in client.get("/members/asker/").content.decode()


def oversized() -> SimpleUploadedFile:
    return upload(noise_png(MAX_UPLOAD_BYTES + 1), "huge.png")


BAD_AVATARS: list[Any] = [
    pytest.param(lambda: upload(b"plain text, honestly", "me.png"), "not an image", id="fake"),
    pytest.param(
        lambda: upload(image_bytes(fmt="GIF"), "me.gif", "image/gif"), "this one is GIF", id="gif"
    ),
    pytest.param(
        lambda: upload(image_bytes((6000, 5000), 0, mode="1")), "25 megapixels", id="pixels"
    ),
    pytest.param(oversized, "the limit is 5 MB", id="oversized"),
]


@pytest.mark.parametrize(("make_upload", "message"), BAD_AVATARS)
def test_a_bad_image_is_a_form_error_and_the_old_profile_stays(
    client: Client,
    asker: Member,
    settings: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
    make_upload: Callable[[], SimpleUploadedFile],
    message: str,
) -> None:
    old_small, old_large = give_avatar(asker)
    files_before = media_files(settings.MEDIA_ROOT)
    client.force_login(asker)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            EDIT_URL, {"display_name": "New Name", "bio": "New bio", "avatar": make_upload()}
        )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["avatar"]
    assert message in errors["avatar"][0]
    assert message in response.content.decode()
    assert callbacks == []
    asker.refresh_from_db()
    assert asker.display_name == "Anna Asker"
    assert asker.bio == ""
    assert (asker.avatar_small.name, asker.avatar_large.name) == (old_small, old_large)
    assert media_files(settings.MEDIA_ROOT) == files_before


def test_a_bio_over_500_characters_is_refused(client: Client, asker: Member) -> None:
    client.force_login(asker)

    response = client.post(EDIT_URL, {"display_name": "Anna", "bio": "b" * 501})

    assert response.status_code == 200
    assert "at most 500 characters" in response.context["form"].errors["bio"][0]
    asker.refresh_from_db()
    assert asker.bio == ""
    assert asker.display_name == "Anna Asker"


def test_a_bio_of_exactly_500_characters_is_fine(client: Client, asker: Member) -> None:
    client.force_login(asker)

    response = client.post(EDIT_URL, {"display_name": "Anna", "bio": "b" * 500})

    assert response.status_code == 302
    asker.refresh_from_db()
    assert asker.bio == "b" * 500


def test_a_display_name_over_50_characters_is_refused(client: Client, asker: Member) -> None:
    client.force_login(asker)

    response = client.post(EDIT_URL, {"display_name": "n" * 51, "bio": ""})

    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    asker.refresh_from_db()
    assert asker.display_name == "Anna Asker"


def test_the_editor_enforces_csrf(asker: Member) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(asker)

    response = client.post(EDIT_URL, {"display_name": "Forged", "bio": ""})

    assert response.status_code == 403
    asker.refresh_from_db()
    assert asker.display_name == "Anna Asker"


def test_the_editor_refuses_other_methods(client: Client, asker: Member) -> None:
    client.force_login(asker)

    assert client.put(EDIT_URL).status_code == 405
    assert client.delete(EDIT_URL).status_code == 405


# --- Home and health check -----------------------------------------------------------------


def test_the_home_page_renders(client: Client, db: None) -> None:
    assert client.get("/").status_code == 200


def test_healthz_says_ok_and_is_never_cached(client: Client, db: None) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_unavailable_when_the_database_is_unreachable(
    client: Client, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Unreachable:
        def cursor(self) -> None:
            raise ConnectionError("database is down")

    monkeypatch.setattr(views, "connection", Unreachable())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_healthz_only_answers_get(client: Client, db: None) -> None:
    assert client.post("/healthz").status_code == 405
