"""Decoding uploads is bounded in size, work, concurrency and time (issue 13, item 7).

A 25-megapixel photo costs seconds of CPU; nothing used to bound how many decoded at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from PIL import Image

from community import images, services
from community.models import Attachment, Member
from tests.community.images import image_bytes, media_files, png_header_only, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_slot(settings: Any) -> Iterator[None]:
    settings.IMAGE_DECODE_CONCURRENCY = 1
    settings.IMAGE_DECODE_WAIT_SECONDS = 0.2
    yield


@pytest.fixture
def slot_taken(one_slot: None) -> Iterator[None]:
    """The only decoding slot is held by another upload for the test's duration."""
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with images.decoding_slot():
            held.set()
            release.wait(10)

    worker = threading.Thread(target=hold)
    worker.start()
    assert held.wait(5)
    yield
    release.set()
    worker.join()


def test_pillow_itself_refuses_bombs_past_our_limit() -> None:
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS


def test_an_image_over_the_pixel_limit_is_refused_from_its_header_without_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decoded: list[object] = []
    original_load = Image.Image.load

    def recorded_load(image: Image.Image) -> Any:
        decoded.append(image)
        return original_load(image)

    monkeypatch.setattr(Image.Image, "load", recorded_load)

    with pytest.raises(ValidationError) as refused, images.decoding_slot():
        images.image_open_verified(upload(png_header_only(6000, 5000)))

    assert refused.value.code == "too_many_pixels"
    assert not decoded


def test_a_big_jpeg_is_decoded_at_the_scale_its_copy_needs() -> None:
    photo = upload(image_bytes((4000, 3000), fmt="JPEG"), "photo.jpg", "image/jpeg")

    with images.decoding_slot():
        for_avatar = images.image_open_verified(photo, fill=256)
        for_attachment = images.image_open_verified(photo, fit=1600)
        full = images.image_open_verified(photo)

    assert full.size == (4000, 3000)
    assert for_avatar.size == (500, 375)  # 1/8 scale: still wider than 256 both ways
    assert for_attachment.size == (2000, 1500)  # 1/2 scale: still past 1600 on the long side
    assert min(for_avatar.size) >= 256


def test_when_every_slot_is_taken_an_attachment_upload_gets_503_with_retry_after(
    moderator: Member, slot_taken: None, settings: Any
) -> None:
    client = Client()
    client.force_login(moderator)  # staff may post images from the start

    response = client.post("/attachments/", {"image": upload(image_bytes((300, 200)))})

    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert "Try again in a few seconds" in response.json()["detail"]
    assert not Attachment.objects.exists()
    assert not media_files(settings.MEDIA_ROOT)


def test_when_every_slot_is_taken_an_avatar_is_a_form_error_not_a_500(
    asker: Member, slot_taken: None
) -> None:
    client = Client()
    client.force_login(asker)

    response = client.post(
        "/settings/profile/",
        {"display_name": "Anna", "avatar": upload(image_bytes((300, 200)))},
    )

    assert response.status_code == 200
    assert "Try again in a few seconds" in response.content.decode()
    asker.refresh_from_db()
    assert not asker.avatar_small


def test_a_slot_frees_up_for_the_next_upload(asker: Member, one_slot: None) -> None:
    for _ in range(3):
        services.attachment_create(uploader=asker, upload=upload(image_bytes((300, 200))))
    assert Attachment.objects.count() == 3


def test_concurrent_uploads_never_decode_more_than_the_limit_at_once(
    asker: Member, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.IMAGE_DECODE_CONCURRENCY = 2
    settings.IMAGE_DECODE_WAIT_SECONDS = 10
    active, peak, lock = [0], [0], threading.Lock()
    original = images.image_open_verified

    def counted(upload_: Any, **kwargs: Any) -> Image.Image:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        try:
            time.sleep(0.05)
            return original(upload_, **kwargs)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(images, "image_open_verified", counted)
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def make_avatar() -> None:
        try:
            barrier.wait()
            images.avatar_thumbnails(upload(image_bytes((400, 300))))
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=make_avatar) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert peak[0] == 2


def test_processing_past_the_time_bound_is_refused_with_a_message(
    asker: Member, settings: Any
) -> None:
    settings.IMAGE_DECODE_SECONDS = 0

    with pytest.raises(ValidationError) as refused:
        services.attachment_create(uploader=asker, upload=upload(image_bytes((300, 200))))

    assert refused.value.code == "too_slow"
    assert "took too long" in refused.value.messages[0]
    assert not Attachment.objects.exists()
