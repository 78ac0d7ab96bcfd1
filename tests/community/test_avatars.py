"""Avatar uploads: the checks and thumbnails of community.images, and the forms that use them."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from PIL import Image

from community import services
from community.forms import MemberSignupForm, ProfileForm
from community.images import MAX_UPLOAD_BYTES, Thumbnail, avatar_thumbnails
from community.models import Member
from tests.community.images import (
    BLUE,
    GREEN,
    RED,
    close_to,
    exif_with_gps_and_camera,
    image_bytes,
    media_files,
    noise_png,
    open_stored,
    png_header_only,
    two_colour_bytes,
    upload,
)


def thumbnail_image(thumbnail: Thumbnail) -> Image.Image:
    thumbnail.content.seek(0)
    image = Image.open(io.BytesIO(thumbnail.content.read()))
    image.load()
    return image


def rejection(data: bytes, name: str = "avatar.png") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        avatar_thumbnails(upload(data, name))
    return caught.value


def mpo_bytes() -> bytes:
    """A JPEG with a multi-picture extension, as many phone cameras write them."""
    first = Image.new("RGB", (120, 80), GREEN)
    second = Image.new("RGB", (120, 80), RED)
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    return buffer.getvalue()


def three_stripes(size: tuple[int, int]) -> bytes:
    """Red, green and blue thirds, left to right (or top to bottom if taller than wide)."""
    width, height = size
    image = Image.new("RGB", size, GREEN)
    if width >= height:
        image.paste(RED, (0, 0, width // 3, height))
        image.paste(BLUE, (width - width // 3, 0, width, height))
    else:
        image.paste(RED, (0, 0, width, height // 3))
        image.paste(BLUE, (0, height - height // 3, width, height))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# --- What a good upload becomes -------------------------------------------------------------


def test_a_png_avatar_becomes_square_webp_thumbnails_of_64_and_256_pixels() -> None:
    thumbnails = avatar_thumbnails(upload(image_bytes((300, 200))))

    assert set(thumbnails) == {"small", "large"}
    for key, side in [("small", 64), ("large", 256)]:
        image = thumbnail_image(thumbnails[key])
        assert image.format == "WEBP"
        assert image.size == (side, side)
        assert thumbnails[key].size == side
        assert thumbnails[key].name.endswith(f"-{side}.webp")


@pytest.mark.parametrize(
    ("data", "name"),
    [
        pytest.param(image_bytes(fmt="JPEG"), "photo.jpg", id="jpeg"),
        pytest.param(image_bytes(fmt="WEBP"), "photo.webp", id="webp"),
        pytest.param(image_bytes(fmt="PNG"), "photo.png", id="png"),
        pytest.param(mpo_bytes(), "phone-photo.jpg", id="jpeg-with-multi-picture-extension"),
    ],
)
def test_jpeg_png_and_webp_uploads_are_all_accepted(data: bytes, name: str) -> None:
    thumbnails = avatar_thumbnails(upload(data, name, "image/jpeg"))

    assert thumbnail_image(thumbnails["large"]).size == (256, 256)
    assert close_to(thumbnail_image(thumbnails["small"]).getpixel((32, 32)), GREEN)


def test_the_format_is_read_from_the_content_not_from_the_file_name() -> None:
    thumbnails = avatar_thumbnails(upload(image_bytes(fmt="PNG"), "holiday.jpg", "image/jpeg"))

    assert thumbnail_image(thumbnails["small"]).format == "WEBP"


@pytest.mark.parametrize("size", [(300, 100), (100, 300)])
def test_a_non_square_image_is_centre_cropped_not_squashed(size: tuple[int, int]) -> None:
    thumbnails = avatar_thumbnails(upload(three_stripes(size)))

    for key in ("small", "large"):
        image = thumbnail_image(thumbnails[key]).convert("RGB")
        side = image.width
        # Only the middle (green) third survives the crop; squashing would keep the red
        # and blue ends at the edges.
        for point in [(2, 2), (side - 3, side - 3), (2, side - 3), (side - 3, 2)]:
            assert close_to(image.getpixel(point), GREEN), (key, point, image.getpixel(point))


def test_a_transparent_png_keeps_its_transparency() -> None:
    data = image_bytes((100, 100), (0, 0, 0, 0), mode="RGBA")

    image = thumbnail_image(avatar_thumbnails(upload(data))["small"])

    assert image.mode == "RGBA"
    alpha = image.getpixel((32, 32))
    assert isinstance(alpha, tuple)
    assert alpha[3] == 0


@pytest.mark.parametrize(
    ("mode", "color", "fmt"),
    [
        ("L", 128, "PNG"),
        ("1", 1, "PNG"),
        ("I;16", 40_000, "PNG"),
        ("LA", (128, 255), "PNG"),
        ("P", 5, "PNG"),
        ("CMYK", (0, 255, 255, 0), "JPEG"),
        ("L", 128, "JPEG"),
    ],
)
def test_unusual_colour_modes_still_make_thumbnails(
    mode: str, color: int | tuple[int, ...], fmt: str
) -> None:
    thumbnails = avatar_thumbnails(upload(image_bytes((80, 60), color, fmt=fmt, mode=mode)))

    assert thumbnail_image(thumbnails["small"]).mode in {"RGB", "RGBA"}
    assert thumbnail_image(thumbnails["large"]).size == (256, 256)


def test_exif_gps_camera_xmp_and_icc_metadata_are_stripped_from_the_thumbnails() -> None:
    data = image_bytes(
        (120, 90),
        fmt="JPEG",
        exif=exif_with_gps_and_camera(),
        icc_profile=b"not-really-an-icc-profile" * 4,
        xmp=b"<x:xmpmeta>home address</x:xmpmeta>",
    )
    original = Image.open(io.BytesIO(data))
    assert original.getexif()[0x010F] == "SpyCam Industries"  # the test file does carry it
    assert {"exif", "icc_profile", "xmp"} <= set(original.info)

    thumbnails = avatar_thumbnails(upload(data, "gps.jpg", "image/jpeg"))

    for thumbnail in thumbnails.values():
        raw = thumbnail.content.read()
        image = thumbnail_image(thumbnail)
        assert dict(image.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp"} & set(image.info)
        assert b"SpyCam" not in raw
        assert b"home address" not in raw
        assert b"not-really-an-icc-profile" not in raw


def test_the_exif_orientation_is_applied_so_the_avatar_is_upright() -> None:
    # Stored sideways (red left, blue right) with Orientation=6: "rotate 90° clockwise to
    # show". Upright, red is on top and blue at the bottom.
    data = two_colour_bytes((200, 100), exif=exif_with_gps_and_camera(orientation=6))

    thumbnails = avatar_thumbnails(upload(data, "sideways.jpg", "image/jpeg"))

    for key in ("small", "large"):
        image = thumbnail_image(thumbnails[key]).convert("RGB")
        side = image.width
        assert close_to(image.getpixel((side // 2, side // 8)), RED), key
        assert close_to(image.getpixel((side // 2, side - side // 8)), BLUE), key
        assert dict(image.getexif()) == {}


def test_an_image_without_orientation_is_left_as_it_is() -> None:
    thumbnails = avatar_thumbnails(upload(two_colour_bytes((200, 100), fmt="PNG")))

    image = thumbnail_image(thumbnails["small"]).convert("RGB")
    assert close_to(image.getpixel((8, 32)), RED)
    assert close_to(image.getpixel((56, 32)), BLUE)


def test_thumbnail_names_are_fresh_and_never_reuse_the_uploaded_name() -> None:
    first = avatar_thumbnails(upload(image_bytes(), "anna-at-home-in-milan.png"))
    second = avatar_thumbnails(upload(image_bytes(), "anna-at-home-in-milan.png"))

    names = {t.name for t in first.values()} | {t.name for t in second.values()}
    assert len(names) == 4
    assert not any("anna" in name or "milan" in name for name in names)
    # The small and large thumbnails of one upload share their random part.
    assert first["small"].name.removesuffix("-64.webp") == first["large"].name.removesuffix(
        "-256.webp"
    )


# --- What is refused, and what the member is told ------------------------------------------


def test_a_file_over_5_mb_is_refused_with_its_size_in_the_message() -> None:
    error = rejection(noise_png(MAX_UPLOAD_BYTES + 1))

    assert error.code == "file_too_large"
    assert "limit is 5 MB" in error.messages[0]
    assert "5.1 MB" in error.messages[0]


def test_the_size_limit_is_checked_before_anything_is_decoded() -> None:
    # Over the limit and not an image at all: the size is what the member hears about.
    error = rejection(b"x" * (MAX_UPLOAD_BYTES + 1))

    assert error.code == "file_too_large"


def test_a_file_of_exactly_5_mb_is_still_accepted() -> None:
    png = image_bytes((50, 50))
    padded = png + b"\0" * (MAX_UPLOAD_BYTES - len(png))
    assert len(padded) == MAX_UPLOAD_BYTES

    assert set(avatar_thumbnails(upload(padded))) == {"small", "large"}


def test_an_image_over_25_megapixels_is_refused_with_a_clear_message() -> None:
    data = image_bytes((6000, 5000), 0, mode="1")  # one colour: a few kilobytes
    assert len(data) < MAX_UPLOAD_BYTES

    error = rejection(data)

    assert error.code == "too_many_pixels"
    assert "25 megapixels" in error.messages[0]


def test_an_image_of_exactly_25_megapixels_is_accepted() -> None:
    data = image_bytes((5000, 5000), 1, mode="1")

    assert thumbnail_image(avatar_thumbnails(upload(data))["small"]).size == (64, 64)


@pytest.mark.parametrize(
    ("width", "height"),
    [
        pytest.param(6000, 5000, id="just-over-our-limit"),
        pytest.param(10_000, 10_000, id="where-pillow-warns"),
        pytest.param(30_000, 30_000, id="where-pillow-refuses-decompression-bomb"),
    ],
)
def test_the_pixel_count_is_checked_from_the_header_before_decoding(
    width: int, height: int
) -> None:
    # The pixel data in these files is far too short: decoding them would fail with a
    # different message. The settings turn RuntimeWarnings (Pillow's bomb warning) into errors.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        error = rejection(png_header_only(width, height))

    assert error.code == "too_many_pixels"
    assert "25 megapixels" in error.messages[0]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"Just some text pretending to be a picture.\n" * 20, id="text"),
        pytest.param(b"", id="empty"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', id="svg"
        ),
        pytest.param(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 200, id="pdf"),
    ],
)
def test_a_file_that_is_not_an_image_is_refused(data: bytes) -> None:
    error = rejection(data, "avatar.png")

    assert error.code == "invalid_image"
    assert "not an image we can read" in error.messages[0]


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO"])
def test_an_image_in_another_format_is_refused_naming_the_format(fmt: str) -> None:
    error = rejection(image_bytes((64, 64), fmt=fmt), f"avatar.{fmt.lower()}")

    assert error.code == "unsupported_format"
    assert error.messages[0] == f"Upload a JPEG, PNG or WebP image (this one is {fmt})."


def test_a_truncated_jpeg_is_refused_as_damaged() -> None:
    data = two_colour_bytes((400, 300), fmt="JPEG")

    error = rejection(data[: len(data) // 2], "cut-off.jpg")

    assert error.code == "invalid_image"
    assert "damaged" in error.messages[0]


def test_a_png_with_corrupt_data_is_refused() -> None:
    data = bytearray(image_bytes((100, 100)))
    idat = data.index(b"IDAT")
    data[idat + 6] ^= 0xFF  # flip bits in the compressed pixels: the checksum no longer matches

    error = rejection(bytes(data))

    assert error.code == "invalid_image"


# --- Through the forms and the service ------------------------------------------------------


def test_the_profile_form_turns_a_good_upload_into_thumbnails() -> None:
    form = ProfileForm(
        data={"display_name": "Anna"}, files=MultiValueDict({"avatar": [upload(image_bytes())]})
    )

    assert form.is_valid(), form.errors
    avatar = form.cleaned_data["avatar"]
    assert set(avatar) == {"small", "large"}
    assert all(isinstance(t, Thumbnail) for t in avatar.values())


def test_the_profile_form_without_an_upload_leaves_the_avatar_alone() -> None:
    form = ProfileForm(data={"display_name": "Anna"})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["avatar"] is None
    assert form.cleaned_data["remove_avatar"] is False


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        (lambda: upload(b"not an image at all"), "not an image we can read"),
        (lambda: upload(image_bytes(fmt="GIF"), "a.gif", "image/gif"), "this one is GIF"),
        (lambda: upload(image_bytes((6000, 5000), 0, mode="1")), "25 megapixels"),
        (lambda: upload(noise_png(MAX_UPLOAD_BYTES + 1)), "the limit is 5 MB"),
        (lambda: upload(b""), "The submitted file is empty."),
    ],
    ids=["text", "gif", "too-many-pixels", "too-big", "empty"],
)
def test_the_profile_form_shows_a_bad_upload_as_an_avatar_error(
    make_upload: Callable[[], SimpleUploadedFile], message: str
) -> None:
    form = ProfileForm(
        data={"display_name": "Anna"}, files=MultiValueDict({"avatar": [make_upload()]})
    )

    assert not form.is_valid()
    assert list(form.errors) == ["avatar"]
    assert message in form.errors["avatar"][0]


@pytest.mark.parametrize("form_class", [ProfileForm, MemberSignupForm])
def test_both_forms_upload_files_and_offer_only_the_accepted_types(
    form_class: type[ProfileForm] | type[MemberSignupForm], db: None
) -> None:
    form = form_class()

    assert form.is_multipart()
    widget_attrs = form.fields["avatar"].widget.attrs
    assert widget_attrs["accept"] == "image/jpeg,image/png,image/webp"
    assert form.fields["avatar"].required is False


def test_the_service_stores_both_thumbnails_under_avatars(asker: Member, settings: object) -> None:
    thumbnails = avatar_thumbnails(upload(image_bytes()))

    services.member_profile_update(member=asker, display_name="Anna", bio="", avatar=thumbnails)

    asker.refresh_from_db()
    assert asker.avatar_small.name == f"avatars/{thumbnails['small'].name}"
    assert asker.avatar_large.name == f"avatars/{thumbnails['large'].name}"
    media_root = Path(settings.MEDIA_ROOT)  # type: ignore[attr-defined]
    assert media_files(media_root) == sorted(
        [media_root / asker.avatar_small.name, media_root / asker.avatar_large.name]
    )
    assert open_stored(asker.avatar_small.path).size == (64, 64)
    assert open_stored(asker.avatar_large.path).size == (256, 256)
