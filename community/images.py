"""Checks and thumbnails for images members upload (avatars now, attachments later).

Every upload is treated as hostile: the size is checked before decoding, the format and the
pixel count are read from the header before the pixels are, the file is fully verified and
decoded, and what we store is a fresh re-encoding that carries none of the original metadata
(EXIF with GPS positions, camera serials, embedded ICC payloads).

Decoding is the expensive part (a 25-megapixel photo is seconds of CPU), so it is bounded:

- in size: the pixel count comes from the header and anything over MAX_PIXELS is refused
  before a pixel is decoded; Pillow's own bomb check (Image.MAX_IMAGE_PIXELS) is set to the
  same limit as a second line;
- in work: a JPEG is decoded straight at the smallest scale the output needs (Pillow's
  draft mode: a 1600-pixel copy of a 6000-pixel photo decodes at 1/2 or 1/4 scale);
- in concurrency: at most IMAGE_DECODE_CONCURRENCY decodes run at once in a process; an
  upload waits up to IMAGE_DECODE_WAIT_SECONDS for a turn and is then told the server is
  busy (`ImagesBusy`: 503 with Retry-After, or a form error);
- in time: the work checks a deadline (IMAGE_DECODE_SECONDS) between its stages (header,
  verification, decoding, each copy) and gives up with a clear message once it is past.
  A single stage runs in Pillow's C code and is not interrupted; its cost is what the pixel
  limit bounds.
"""

from __future__ import annotations

import io
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from community.errors import RateLimited

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
# Pillow warns past this and raises past twice it, whoever opens the image.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Pillow reports many phone-camera JPEGs (those with a multi-picture extension) as "MPO";
# they are JPEG files and decode as such.
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP"}
AVATAR_SIZES = {"small": 64, "large": 256}


@dataclass(frozen=True)
class Thumbnail:
    name: str
    size: int
    content: ContentFile[bytes]


class ImagesBusy(RateLimited):
    """Every decoding slot stayed taken for IMAGE_DECODE_WAIT_SECONDS: try again shortly."""


_slots_lock = threading.Lock()
_slots: dict[int, threading.BoundedSemaphore] = {}
_deadline = threading.local()


def _semaphore() -> threading.BoundedSemaphore:
    size = max(1, int(settings.IMAGE_DECODE_CONCURRENCY))
    with _slots_lock:
        if size not in _slots:
            _slots[size] = threading.BoundedSemaphore(size)
        return _slots[size]


@contextmanager
def decoding_slot() -> Iterator[None]:
    """Hold one of the process's decoding slots, with the time bound running.

    Raises ImagesBusy when no slot frees up within IMAGE_DECODE_WAIT_SECONDS.
    """
    slots = _semaphore()
    wait = float(settings.IMAGE_DECODE_WAIT_SECONDS)
    if not slots.acquire(timeout=wait):
        raise ImagesBusy(
            _("Many images are being processed right now. Try again in a few seconds."),
            retry_after=max(1, round(wait)),
        )
    _deadline.at = time.monotonic() + float(settings.IMAGE_DECODE_SECONDS)
    try:
        yield
    finally:
        _deadline.at = None
        slots.release()


def _check_time() -> None:
    deadline = getattr(_deadline, "at", None)
    if deadline is not None and time.monotonic() > deadline:
        raise ValidationError(
            _("This image took too long to process. Try a smaller one."), code="too_slow"
        )


def image_open_verified(
    upload: UploadedFile[bytes], *, fit: int | None = None, fill: int | None = None
) -> Image.Image:
    """Open an uploaded image that passes every check, or raise ValidationError.

    Call it inside `decoding_slot()`. Say what the image is for and a JPEG is decoded at
    the smallest scale that serves it: `fit` for a copy bounded by a fit x fit box (the
    long side must still reach `fit`), `fill` for a crop covering a fill x fill square (the
    short side must).
    """
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
    _check_time()
    try:
        # verify() leaves the image unusable; decode it for real from the start.
        upload.seek(0)
        image = Image.open(upload)
        if image.format in {"JPEG", "MPO"} and (fit or fill):
            scale = fit / max(width, height) if fit else (fill or 0) / min(width, height)
            image.draft(image.mode, (max(1, round(width * scale)), max(1, round(height * scale))))
        image.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This image is damaged and cannot be read. Try another file."),
            code="invalid_image",
        ) from exc
    _check_time()
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
        _check_time()
        thumb = ImageOps.fit(upright, (size, size), Image.Resampling.LANCZOS)
        thumb.info = {}
        buffer = io.BytesIO()
        thumb.save(buffer, format="WEBP", quality=85, method=4)
        thumbnails[name] = Thumbnail(
            name=f"{token}-{size}.webp", size=size, content=ContentFile(buffer.getvalue())
        )
    return thumbnails


def avatar_thumbnails(upload: UploadedFile[bytes]) -> dict[str, Thumbnail]:
    """Validate an avatar upload and make its small and large square thumbnails.

    Raises ValidationError for a refused file and ImagesBusy when the server is saturated.
    """
    with (
        decoding_slot(),
        image_open_verified(upload, fill=max(AVATAR_SIZES.values())) as image,
    ):
        return square_thumbnails(image, AVATAR_SIZES)


ATTACHMENT_MAX_SIDE = 1600


def fitted_copy(image: Image.Image, *, max_side: int) -> tuple[str, ContentFile[bytes]]:
    """An upright WebP copy no larger than `max_side` on either side, with no metadata."""
    upright = ImageOps.exif_transpose(image) or image
    mode = "RGBA" if upright.mode in {"RGBA", "LA", "P", "PA"} else "RGB"
    copy = upright.convert(mode)
    _check_time()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    copy.info = {}
    buffer = io.BytesIO()
    copy.save(buffer, format="WEBP", quality=85, method=4)
    return f"{uuid.uuid4().hex}.webp", ContentFile(buffer.getvalue())
