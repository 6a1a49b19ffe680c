"""Thumbnails and perceptual hashes of evidence photos (R-NW-1, R-FU-6)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from dispatch.evidence import (
    ContentRejected,
    from_signed64,
    hamming64,
    make_thumbnail,
    to_signed64,
)
from tests.unit.evidence.photos import exif_bytes, jpeg, png, with_broken_exif


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_r_fu_6_thumbnail_is_a_small_jpeg() -> None:
    thumb = _open(make_thumbnail(jpeg(1, size=(4000, 3000))))
    assert thumb.format == "JPEG"
    assert max(thumb.size) == 320
    assert thumb.size == (320, 240)
    assert not thumb.getexif()  # no GPS leaks into thumbnails


def test_thumbnail_is_upright_and_accepts_png_and_broken_exif() -> None:
    rotated = jpeg(1, size=(640, 480), exif=exif_bytes(orientation=6))
    assert _open(make_thumbnail(rotated, max_px=200)).size == (150, 200)
    assert _open(make_thumbnail(png(2), max_px=64)).size == (64, 48)
    assert _open(make_thumbnail(with_broken_exif(jpeg(1)))).size == (320, 240)


def test_thumbnail_of_a_non_image_is_refused() -> None:
    with pytest.raises(ContentRejected):
        make_thumbnail(b"%PDF-1.7 ...")
    with pytest.raises(ContentRejected):
        make_thumbnail(b"not an image")


def test_hash_helpers_round_trip_through_bigint() -> None:
    value = 0xF0F0_0000_0000_0001
    signed = to_signed64(value)
    assert -(2**63) <= signed < 2**63
    assert from_signed64(signed) == value
    assert hamming64(value, signed) == 0
    assert hamming64(0, 0xFF) == 8
