"""Checks and thumbnails for images members upload (avatars now, attachments later).

Every upload is treated as hostile: the size is checked before decoding, the format and the
pixel count are read from the header before the pixels are, the file is fully verified and
decoded, and what we store is a fresh re-encoding that carries none of the original metadata
(EXIF with GPS positions, camera serials, embedded ICC payloads).
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
# Pillow reports many phone-camera JPEGs (those with a multi-picture extension) as "MPO";
# they are JPEG files and decode as such.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
AVATAR_SIZES = {"small": 64, "large": 256}


@dataclass(frozen=True)
class Thumbnail:
    name: str
    size: int
    content: ContentFile[bytes]


def image_open_verified(upload: UploadedFile[bytes]) -> Image.Image:
    """Open an uploaded image that passes every check, or raise ValidationError."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is %(size).1f MB; the limit is 5 MB.")
            % {"size": upload.size / (1024 * 1024)},
            code="file_too_large",
        )
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            # Pillow warns (and past twice its limit, raises) on huge images; our own,
            # lower limit below gives the member a clear message instead.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                image_format = probe.format
                width, height = probe.size
                if image_format in ALLOWED_FORMATS and width * height <= MAX_PIXELS:
                    probe.verify()
    except Image.DecompressionBombError:
        raise ValidationError(_too_many_pixels_message(), code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This file is not an image we can read. Upload a JPEG, PNG or WebP image."),
            code="invalid_image",
        ) from exc
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("Upload a JPEG, PNG or WebP image (this one is %(format)s).")
            % {"format": image_format or _("unknown")},
            code="unsupported_format",
        )
    if width * height > MAX_PIXELS:
        raise ValidationError(_too_many_pixels_message(), code="too_many_pixels")
    try:
        # verify() leaves the image unusable; decode it for real from the start.
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This image is damaged and cannot be read. Try another file."),
            code="invalid_image",
        ) from exc
    return image


def _too_many_pixels_message() -> str:
    return _("The image is too large: at most 25 megapixels (for example 5000 × 5000).")


def square_thumbnails(image: Image.Image, sizes: dict[str, int]) -> dict[str, Thumbnail]:
    """Centre-cropped square WebP thumbnails, upright, with no metadata."""
    upright = ImageOps.exif_transpose(image) or image
    mode = "RGBA" if upright.mode in {"RGBA", "LA", "P", "PA"} else "RGB"
    upright = upright.convert(mode)
    token = uuid.uuid4().hex
    thumbnails = {}
    for name, size in sizes.items():
        thumb = ImageOps.fit(upright, (size, size), Image.Resampling.LANCZOS)
        thumb.info = {}
        buffer = io.BytesIO()
        thumb.save(buffer, format="WEBP", quality=85, method=4)
        thumbnails[name] = Thumbnail(
            name=f"{token}-{size}.webp", size=size, content=ContentFile(buffer.getvalue())
        )
    return thumbnails


def avatar_thumbnails(upload: UploadedFile[bytes]) -> dict[str, Thumbnail]:
    """Validate an avatar upload and make its small and large square thumbnails."""
    with image_open_verified(upload) as image:
        return square_thumbnails(image, AVATAR_SIZES)


ATTACHMENT_MAX_SIDE = 1600


def fitted_copy(image: Image.Image, *, max_side: int) -> tuple[str, ContentFile[bytes]]:
    """An upright WebP copy no larger than `max_side` on either side, with no metadata."""
    upright = ImageOps.exif_transpose(image) or image
    mode = "RGBA" if upright.mode in {"RGBA", "LA", "P", "PA"} else "RGB"
    copy = upright.convert(mode)
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    copy.info = {}
    buffer = io.BytesIO()
    copy.save(buffer, format="WEBP", quality=85, method=4)
    return f"{uuid.uuid4().hex}.webp", ContentFile(buffer.getvalue())
