"""Perceptual hashes and thumbnails of evidence photos (R-NW-1, R-FU-6).

``perceptual_hash`` is ``imagehash.phash`` (DCT of a 32×32 greyscale, 64 bits) of the image as
displayed (EXIF orientation applied), returned as an unsigned 64-bit int. Re-encoding, resizing
or light edits move it by a few bits; a different scene by ~32. To store it in a PostgreSQL
``BIGINT`` use ``to_signed64``/``from_signed64``; ``hamming64`` works on either form.

``make_thumbnail`` produces the JPEG shown in lists and in the service report (R-FU-6); the
thumbnail job after ``complete`` runs it on the stored bytes (``thumbnails.py``). Decoding is
nearly all of its cost (the entropy decode of a 3 MB JPEG reads every coded block even in draft
mode: ~28 ms); ``thumbnail_of`` makes the same thumbnail of an image already decoded and turned
upright — such as ``Inspection.decoded`` — in ~3 ms.
"""

from __future__ import annotations

import io
from typing import Final

import imagehash
from PIL import Image, ImageOps

from dispatch.evidence.content import (
    DEFAULT_MAX_PIXELS,
    JPEG,
    open_verified,
    pillow_guard,
    sniff_type,
)
from dispatch.evidence.errors import ContentRejected

_MASK64: Final = (1 << 64) - 1


def perceptual_hash(image: Image.Image) -> int:
    """The 64-bit pHash of ``image`` as an unsigned int."""
    return upright_hash(upright(image))


def upright_hash(image: Image.Image) -> int:
    """The pHash of an image already turned upright (see ``upright``)."""
    return int(str(imagehash.phash(image)), 16)


def hamming64(a: int, b: int) -> int:
    """Number of differing bits between two 64-bit hashes (signed or unsigned)."""
    return ((a ^ b) & _MASK64).bit_count()


def to_signed64(value: int) -> int:
    """An unsigned 64-bit hash as the signed value a ``BIGINT`` column can hold."""
    value &= _MASK64
    return value - (1 << 64) if value >= 1 << 63 else value


def from_signed64(value: int) -> int:
    """Inverse of ``to_signed64``."""
    return value & _MASK64


def make_thumbnail(
    data: bytes, max_px: int = 320, quality: int = 80, max_pixels: int = DEFAULT_MAX_PIXELS
) -> bytes:
    """A JPEG no larger than ``max_px`` on its long side, upright, without metadata.

    Raises ``ContentRejected`` for bytes that are not a decodable JPEG/PNG/HEIC image.
    """
    declared = sniff_type(data) or "application/octet-stream"
    if declared == "application/pdf":
        raise ContentRejected("unsupported_type", "thumbnails are made of images only")
    _, image = open_verified(data, declared, max_pixels)
    assert image is not None  # images only, checked above
    with image:
        return thumbnail_of(upright(image), max_px, quality)


def thumbnail_of(image: Image.Image, max_px: int = 320, quality: int = 80) -> bytes:
    """``make_thumbnail`` of an image already decoded and turned upright (left unchanged)."""
    thumb = image.copy()
    thumb.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    if thumb.mode not in ("RGB", "L"):
        thumb = _flatten(thumb)
    out = io.BytesIO()
    thumb.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()


def thumbnail_content_type() -> str:
    """The content type of what ``make_thumbnail`` returns."""
    return JPEG


def upright(image: Image.Image) -> Image.Image:
    """A copy of ``image`` as displayed: the EXIF orientation applied (a broken orientation tag
    leaves it as stored). The copy holds only pixels, not the bytes ``image`` was read from."""
    try:
        with pillow_guard():
            image.getexif()  # parse (and cache) the EXIF under the guard
        return ImageOps.exif_transpose(image)
    except (OSError, ValueError, TypeError, KeyError, SyntaxError):
        return image.copy()


def _flatten(image: Image.Image) -> Image.Image:
    """RGBA / palette / CMYK / 16-bit → RGB on white (JPEG has no alpha)."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
