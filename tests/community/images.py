"""Small image makers for the avatar tests: real files, built in memory with Pillow."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

RED = (255, 0, 0)
BLUE = (0, 0, 255)
GREEN = (0, 160, 0)

EXIF_MAKE = 0x010F
EXIF_ORIENTATION = 0x0112
EXIF_GPS_IFD = 0x8825
GPS_LATITUDE_REF = 1
GPS_LATITUDE = 2


def image_bytes(
    size: tuple[int, int] = (300, 200),
    color: tuple[int, ...] | int = GREEN,
    *,
    fmt: str = "PNG",
    mode: str = "RGB",
    **save_options: object,
) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def two_colour_bytes(
    size: tuple[int, int] = (200, 100), *, fmt: str = "JPEG", **save_options: object
) -> bytes:
    """Left half red, right half blue: shows which way up the picture came out."""
    width, height = size
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def exif_with_gps_and_camera(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[EXIF_MAKE] = "SpyCam Industries"
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    gps = exif.get_ifd(EXIF_GPS_IFD)
    gps[GPS_LATITUDE_REF] = "N"
    gps[GPS_LATITUDE] = (45.0, 27.0, 50.0)
    return exif


def noise_png(min_bytes: int) -> bytes:
    """A real PNG of random noise (which does not compress) at least `min_bytes` long."""
    side = int((min_bytes / 3) ** 0.5) + 16
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    data = buffer.getvalue()
    assert len(data) >= min_bytes
    return data


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height, with one tiny (wrong-sized) data chunk.

    Enough for anything that reads the header; never worth decoding.
    """

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


def upload(
    data: bytes, name: str = "avatar.png", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_upload(size: tuple[int, int] = (300, 200), name: str = "avatar.png") -> SimpleUploadedFile:
    return upload(image_bytes(size), name)


def media_files(media_root: str | Path) -> list[Path]:
    root = Path(media_root)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def open_stored(path: str | Path) -> Image.Image:
    image = Image.open(path)
    image.load()
    return image


def close_to(pixel: object, expected: tuple[int, int, int], tolerance: int = 60) -> bool:
    """Whether a pixel from Image.getpixel() is roughly the expected RGB colour."""
    assert isinstance(pixel, tuple), pixel
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], expected, strict=True))
