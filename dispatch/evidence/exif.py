"""EXIF facts of a photo, read with Pillow's maintained EXIF API (R-NW-1, R-NW-2).

What the trust assessment needs: where (GPS IFD: latitude/longitude with their N/S/E/W refs,
``GPSMapDatum``, the UTC ``GPSDateStamp``/``GPSTimeStamp``), when (``DateTimeOriginal`` with
``OffsetTimeOriginal``/``OffsetTime``), with what (``Make``, ``Model``) and whether it went
through an editor (``Software``, and ``DateTime`` — the last-modified stamp — much later than
``DateTimeOriginal``). Photos come from untrusted phones: broken or hostile EXIF never raises,
it yields ``ExifFacts(present=False, error=…)``, which the assessment reports as ``no_exif``.
Out-of-range GPS values are dropped (``gps_error``) rather than trusted.
"""

from __future__ import annotations

import io
import math
import re
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Final

from PIL import Image, UnidentifiedImageError
from PIL.ExifTags import IFD

from dispatch.evidence.content import pillow_guard

# Tag numbers (EXIF 2.32): IFD0, the Exif sub-IFD and the GPS sub-IFD.
_MAKE, _MODEL, _SOFTWARE, _DATETIME = 0x010F, 0x0110, 0x0131, 0x0132
_DT_ORIGINAL, _OFFSET, _OFFSET_ORIGINAL = 0x9003, 0x9010, 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON = 1, 2, 3, 4
_GPS_TIME, _GPS_DATUM, _GPS_DATE = 7, 18, 29

_EXIF_ERRORS: Final = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    ZeroDivisionError,
    OverflowError,
    struct.error,
    UnidentifiedImageError,
)
_OFFSET_RE = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


@dataclass(frozen=True, slots=True)
class ExifFacts:
    """The EXIF fields the assessment uses. Times are naive unless EXIF gave their offset."""

    present: bool
    error: str | None = None
    taken_at: datetime | None = None
    modified_at: datetime | None = None
    gps_at: datetime | None = None
    lon: float | None = None
    lat: float | None = None
    gps_map_datum: str | None = None
    gps_error: str | None = None
    make: str | None = None
    model: str | None = None
    software: str | None = None

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for storing with the evidence record."""
        out: dict[str, object] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            out[name] = value.isoformat() if isinstance(value, datetime) else value
        return out


NO_EXIF: Final = ExifFacts(present=False)


def read_exif_bytes(data: bytes) -> ExifFacts:
    """EXIF facts of an encoded image (header only: no pixel decoding)."""
    try:
        with pillow_guard():
            image = Image.open(io.BytesIO(data))
    except (*_EXIF_ERRORS, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        return ExifFacts(present=False, error=f"unreadable image: {exc}")
    with image:
        return read_exif(image)


def read_exif(image: Image.Image) -> ExifFacts:
    """EXIF facts of an opened Pillow image; never raises on broken EXIF."""
    try:
        with pillow_guard():
            exif = image.getexif()
            if not exif:
                return NO_EXIF
            sub = exif.get_ifd(IFD.Exif)
            gps = exif.get_ifd(IFD.GPSInfo)
        return _facts(exif, sub, gps)
    except _EXIF_ERRORS as exc:
        return ExifFacts(present=False, error=f"corrupt EXIF: {type(exc).__name__}: {exc}")


def _facts(ifd0: Any, sub: Any, gps: Any) -> ExifFacts:
    original = _text(sub.get(_DT_ORIGINAL))
    offset = _offset(_text(sub.get(_OFFSET_ORIGINAL)) or _text(sub.get(_OFFSET)))
    modified = _text(ifd0.get(_DATETIME))
    lon, lat, gps_error = _position(gps)
    return ExifFacts(
        present=True,
        taken_at=_datetime(original, offset),
        modified_at=_datetime(modified, _offset(_text(sub.get(_OFFSET)))),
        gps_at=_gps_datetime(gps),
        lon=lon,
        lat=lat,
        gps_map_datum=_text(gps.get(_GPS_DATUM)),
        gps_error=gps_error,
        make=_text(ifd0.get(_MAKE)),
        model=_text(ifd0.get(_MODEL)),
        software=_text(ifd0.get(_SOFTWARE)),
    )


def _text(value: object) -> str | None:
    """An ASCII EXIF value as a clean string (bytes decoded, NULs and blanks stripped)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = value.replace("\x00", "").strip()
    return cleaned or None


def _offset(text: str | None) -> timezone | None:
    """``"+08:00"`` → UTC+8; anything else → ``None``."""
    match = _OFFSET_RE.match(text or "")
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def _datetime(text: str | None, offset: timezone | None) -> datetime | None:
    """``"2024:05:01 10:30:00"`` → datetime (aware when ``offset`` is known)."""
    if not text:
        return None
    try:
        parsed = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    return parsed.replace(tzinfo=offset) if offset else parsed


def _gps_datetime(gps: Any) -> datetime | None:
    """The GPS fix time (always UTC) from ``GPSDateStamp`` + ``GPSTimeStamp``."""
    date_text = _text(gps.get(_GPS_DATE))
    stamp = gps.get(_GPS_TIME)
    if not date_text or not isinstance(stamp, tuple) or len(stamp) != 3:
        return None
    try:
        day = datetime.strptime(date_text, "%Y:%m:%d").replace(tzinfo=UTC)
        h, m, s = (float(part) for part in stamp)
    except (ValueError, TypeError, ZeroDivisionError):
        return None
    if not all(math.isfinite(v) for v in (h, m, s)) or not (0 <= h < 24 and 0 <= m < 60):
        return None
    return day + timedelta(hours=h, minutes=m, seconds=s)


def _position(gps: Any) -> tuple[float | None, float | None, str | None]:
    """(lon, lat, error) from the GPS IFD; both ``None`` when absent or implausible."""
    lat_dms, lon_dms = gps.get(_GPS_LAT), gps.get(_GPS_LON)
    if lat_dms is None and lon_dms is None:
        return None, None, None
    lat = _degrees(lat_dms, _text(gps.get(_GPS_LAT_REF)), "S")
    lon = _degrees(lon_dms, _text(gps.get(_GPS_LON_REF)), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None, "invalid GPS coordinates"
    if lat == 0.0 and lon == 0.0:
        return None, None, "GPS at 0,0 (no fix)"
    return lon, lat, None


def _degrees(dms: object, ref: str | None, negative_ref: str) -> float | None:
    """Degrees/minutes/seconds rationals → signed decimal degrees."""
    if not isinstance(dms, tuple) or not 1 <= len(dms) <= 3:
        return None
    try:
        parts = [float(part) for part in dms]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    parts += [0.0] * (3 - len(parts))
    if not all(math.isfinite(p) and p >= 0 for p in parts):
        return None
    value = parts[0] + parts[1] / 60 + parts[2] / 3600
    return -value if (ref or "").upper().startswith(negative_ref) else value
