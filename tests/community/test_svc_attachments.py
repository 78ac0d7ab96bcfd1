"""community.services.attachment_create: a clean, bounded WebP copy of an uploaded image."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image

from community import services
from community.models import Attachment, Member
from tests.community.images import (
    exif_with_gps_and_camera,
    image_bytes,
    media_files,
    open_stored,
    upload,
)

pytestmark = pytest.mark.django_db


def test_a_large_photo_is_stored_as_webp_of_at_most_1600_pixels_without_exif(
    asker: Member,
) -> None:
    photo = image_bytes((3200, 1800), fmt="JPEG", exif=exif_with_gps_and_camera().tobytes())
    with Image.open(upload(photo, "holiday.jpg", "image/jpeg")) as original:
        assert original.getexif()  # the upload does carry a camera and a position

    attachment = services.attachment_create(
        uploader=asker, upload=upload(photo, "holiday.jpg", "image/jpeg")
    )

    attachment.refresh_from_db()
    assert attachment.uploader == asker
    name = attachment.image.name or ""
    assert name.startswith("attachments/") and name.endswith(".webp")
    assert "holiday" not in name  # the member's file name is not kept
    assert (attachment.width, attachment.height) == (1600, 900)
    stored = open_stored(attachment.image.path)
    assert stored.format == "WEBP"
    assert stored.size == (1600, 900)
    assert not stored.getexif()
    assert "exif" not in stored.info


def test_a_tall_image_is_bounded_by_its_height(asker: Member) -> None:
    attachment = services.attachment_create(
        uploader=asker, upload=upload(image_bytes((500, 2000)), "scan.png")
    )
    assert (attachment.width, attachment.height) == (400, 1600)


def test_a_small_image_keeps_its_size(asker: Member) -> None:
    attachment = services.attachment_create(
        uploader=asker, upload=upload(image_bytes((300, 200)), "screenshot.png")
    )
    assert (attachment.width, attachment.height) == (300, 200)
    assert open_stored(attachment.image.path).format == "WEBP"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"this is not an image at all, just text" * 10, "fake.png"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "truncated.png"),
        (image_bytes((50, 50), fmt="GIF"), "animated.gif"),
    ],
)
def test_a_file_that_is_not_an_accepted_image_is_refused_and_nothing_is_stored(
    asker: Member, data: bytes, name: str
) -> None:
    with pytest.raises(ValidationError):
        services.attachment_create(uploader=asker, upload=upload(data, name))
    assert not Attachment.objects.exists()
    assert media_files(Path(settings.MEDIA_ROOT)) == []
