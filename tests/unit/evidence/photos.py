"""Test photos made with Pillow, EXIF written through Pillow's ``Exif`` API (no fixtures)."""

from __future__ import annotations

import io
import random
from datetime import datetime

from PIL import Image, ImageDraw
from PIL.ExifTags import IFD
from PIL.TiffImagePlugin import IFDRational

# A site in Beijing (WGS-84) and the visit around it.
SITE_LON, SITE_LAT = 116.3975, 39.9087


def scene(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A deterministic picture with structure (shapes on a gradient), different per seed."""
    rng = random.Random(seed)
    width, height = size
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(12):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(20, width // 2), y0 + rng.randrange(20, height // 2)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    return image


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return IFDRational(degrees), IFDRational(minutes), IFDRational(round(seconds * 10000), 10000)


def exif_bytes(
    *,
    taken_at: datetime | None = None,
    offset: str | None = "+08:00",
    modified_at: datetime | None = None,
    lon: float | None = None,
    lat: float | None = None,
    datum: str | None = "WGS-84",
    make: str = "Xiaomi",
    model: str = "Redmi Note 12",
    software: str | None = None,
    orientation: int | None = None,
) -> bytes:
    """An EXIF block with the given capture facts (what a phone camera writes)."""
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    if software:
        exif[0x0131] = software
    if orientation:
        exif[0x0112] = orientation
    stamp = "%Y:%m:%d %H:%M:%S"
    if modified_at or taken_at:
        exif[0x0132] = (modified_at or taken_at or datetime.min).strftime(stamp)
    sub: dict[int, object] = {}
    if taken_at:
        sub[0x9003] = taken_at.strftime(stamp)
        if offset:
            sub[0x9011] = offset
    if sub:
        exif[IFD.Exif] = sub
    if lon is not None and lat is not None:
        gps: dict[int, object] = {
            1: "N" if lat >= 0 else "S",
            2: _dms(lat),
            3: "E" if lon >= 0 else "W",
            4: _dms(lon),
        }
        if datum:
            gps[18] = datum
        exif[IFD.GPSInfo] = gps
    return exif.tobytes()


def jpeg(
    seed: int = 1,
    *,
    exif: bytes | None = None,
    size: tuple[int, int] = (640, 480),
    quality: int = 90,
) -> bytes:
    """A JPEG of ``scene(seed)`` with an optional EXIF block."""
    out = io.BytesIO()
    image = scene(seed, size)
    if exif is None:
        image.save(out, format="JPEG", quality=quality)
    else:
        image.save(out, format="JPEG", quality=quality, exif=exif)
    return out.getvalue()


def png(seed: int = 1) -> bytes:
    """A PNG of ``scene(seed)``."""
    out = io.BytesIO()
    scene(seed).save(out, format="PNG")
    return out.getvalue()


def with_broken_exif(data: bytes) -> bytes:
    """``data`` (a JPEG) with an APP1 Exif segment whose TIFF structure points nowhere."""
    garbage = b"Exif\x00\x00" + b"II*\x00" + (0x7FFFFFF0).to_bytes(4, "little") + b"\xde\xad" * 8
    segment = b"\xff\xe1" + (len(garbage) + 2).to_bytes(2, "big") + garbage
    return data[:2] + segment + data[2:]


def with_lying_size(data: bytes, width: int, height: int) -> bytes:
    """``data`` (a baseline JPEG) with its SOF0 header claiming ``width`` × ``height``."""
    marker = data.index(b"\xff\xc0")
    patched = bytearray(data)
    patched[marker + 5 : marker + 7] = height.to_bytes(2, "big")
    patched[marker + 7 : marker + 9] = width.to_bytes(2, "big")
    return bytes(patched)
