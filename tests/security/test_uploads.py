"""The upload corpus: hostile files through every upload endpoint, over HTTP.

Every upload endpoint (the editors' image upload, POST /attachments/, and the avatar of
POST /settings/profile/) gets each file of the corpus from a signed-in member. Each file
must be refused with a clear error (400 / a form error), leaving nothing on disk, or stored
sanitized: re-encoded to WebP under a name of our own, no EXIF (so no GPS), no bytes of the
original (no script or HTML riding along), within the size bounds.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.community.images import (
    exif_with_gps_and_camera,
    image_bytes,
    media_files,
    noise_png,
    png_header_only,
)
from tests.security.world import World

pytestmark = pytest.mark.django_db

SCRIPT = b"<script>alert(document.domain)</script>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(2)</script></svg>"
)


@dataclass(frozen=True)
class Hostile:
    name: str
    data: bytes
    content_type: str
    accepted: bool  # a real raster image underneath: stored, but only as a clean re-encoding


def _jpeg_with_gps() -> bytes:
    return image_bytes((640, 480), fmt="JPEG", exif=exif_with_gps_and_camera())


def _png_with_text_chunk() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 160, 0)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


CORPUS = [
    Hostile("photo.svg", SVG, "image/svg+xml", accepted=False),
    Hostile("photo.png", SVG, "image/png", accepted=False),
    Hostile("photo.jpg", b"<!DOCTYPE html><html>" + SCRIPT + b"</html>", "image/jpeg", False),
    Hostile(
        "polyglot.gif", b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(1)//", "image/gif", False
    ),
    Hostile("page.html", image_bytes(fmt="PNG") + SCRIPT, "text/html", accepted=True),
    Hostile(
        "trailing.png",
        image_bytes(fmt="PNG") + b"<?php system($_GET['c']); ?>" + SCRIPT,
        "image/png",
        True,
    ),
    Hostile("comment.png", _png_with_text_chunk(), "image/png", accepted=True),
    Hostile("gps.jpg", _jpeg_with_gps(), "image/jpeg", accepted=True),
    Hostile("gps.png", _jpeg_with_gps(), "image/png", accepted=True),  # wrong extension and type
    Hostile("../../../static/evil.png", image_bytes(fmt="PNG"), "image/png", accepted=True),
    Hostile("truncated.jpg", _jpeg_with_gps()[:600], "image/jpeg", accepted=False),
    Hostile("bomb.png", png_header_only(30_000, 30_000), "image/png", accepted=False),
    Hostile("wide.png", png_header_only(1_000_000, 1), "image/png", accepted=False),
    Hostile("empty.png", b"", "image/png", accepted=False),
    Hostile("huge.png", noise_png(5 * 1024 * 1024 + 1), "image/png", accepted=False),
    Hostile("doc.png", b"%PDF-1.4\n1 0 obj<</JS(alert(1))>>endobj\n%%EOF", "image/png", False),
    Hostile("pic.bmp", image_bytes(fmt="BMP"), "image/bmp", accepted=False),
    Hostile("pic.tiff", image_bytes(fmt="TIFF"), "image/tiff", accepted=False),
]


def _attachment(client: Client, file: SimpleUploadedFile) -> bool:
    response = client.post("/attachments/", {"image": file})
    assert response.status_code in (201, 400), (response.status_code, response.content)
    payload = response.json()
    if response.status_code == 400:
        assert payload["detail"], payload  # a message the member can act on
        return False
    assert re.fullmatch(r"/media/[\w./-]+\.webp", payload["url"]), payload
    return True


def _avatar(client: Client, file: SimpleUploadedFile) -> bool:
    response = client.post(
        "/settings/profile/", {"display_name": "Olive", "bio": "", "avatar": file}
    )
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:  # the form again, with the avatar's error
        assert response.context["form"].errors.get("avatar"), response.context["form"].errors
        return False
    return True


ENDPOINTS: dict[str, Callable[[Client, SimpleUploadedFile], bool]] = {
    "attachment": _attachment,
    "avatar": _avatar,
}


def _assert_clean(path: Path, original: bytes) -> None:
    data = path.read_bytes()
    assert path.suffix == ".webp", path
    assert Path(settings.MEDIA_ROOT) in path.parents and "static" not in path.parts, path
    with Image.open(path) as image:
        assert image.format == "WEBP"
        assert not image.getexif(), f"{path} keeps EXIF"
        assert "exif" not in image.info and "xmp" not in image.info, image.info.keys()
        assert image.width <= 1600 and image.height <= 1600
    for needle in (b"<script", b"<?php", b"GPS", b"SpyCam", b"alert("):
        assert needle not in data, f"{needle!r} survived in {path}"
    assert original not in data


@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS))
@pytest.mark.parametrize("hostile", CORPUS, ids=lambda h: h.name.rsplit("/", 1)[-1])
def test_every_hostile_file_is_refused_or_stored_clean(
    world: World, endpoint: str, hostile: Hostile
) -> None:
    client = Client()
    client.force_login(world.members["owner"])
    before = set(media_files(settings.MEDIA_ROOT))
    file = SimpleUploadedFile(hostile.name, hostile.data, content_type=hostile.content_type)
    stored = ENDPOINTS[endpoint](client, file)
    new = sorted(set(media_files(settings.MEDIA_ROOT)) - before)
    assert stored == hostile.accepted, f"{hostile.name}: stored={stored}"
    if not stored:
        assert not new, f"a refused upload left files behind: {new}"
        return
    assert new, "an accepted upload stored nothing"
    for path in new:
        _assert_clean(path, hostile.data)
