"""The one position type of the tracking package, and the field readers the parsers share.

Every client protocol (Traccar Client / OsmAnd, OwnTracks, our own batch) is parsed into a
``PositionFix``: WGS-84 degrees, an aware UTC fix time, SI units (metres, m/s), battery as a
fraction. Readers raise ``InvalidPosition`` naming the field; values a phone uses to mean
"unknown" (negative speed, accuracy, heading or battery) become ``None`` where the protocol
allows it (``lenient``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from uuid import UUID

import msgspec

from dispatch.positions.errors import InvalidPosition
from geo.coordinates import LonLat, parse_lonlat
from geo.errors import InvalidCoordinate, UnknownDatum

MAX_FUTURE = timedelta(days=1)
"""A fix time further ahead of the server clock than this is refused."""

EARLIEST_FIX = datetime(2000, 1, 1, tzinfo=UTC)
"""Earlier fix times are a device without a clock (epoch 0), not a position."""

_MS_THRESHOLD = 100_000_000_000  # 1e11: as seconds, year 5138; as milliseconds, 1973
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SpeedUnit(StrEnum):
    """Per-device unit of the OsmAnd ``speed`` parameter (Traccar Client: knots)."""

    KNOTS = "knots"
    MPS = "mps"
    KMH = "kmh"


_TO_MPS = {SpeedUnit.KNOTS: 1852.0 / 3600.0, SpeedUnit.MPS: 1.0, SpeedUnit.KMH: 1.0 / 3.6}


class PositionFix(msgspec.Struct, frozen=True):
    """One position of one device or technician, validated and in SI units.

    A frozen msgspec struct rather than a frozen dataclass: one is built per fix received (tens
    of thousands a second), and the struct is built about ten times faster."""

    lon: float
    lat: float
    fix_time: datetime  # aware, UTC
    device_key: str | None = None  # the client's own id (OsmAnd ``id``, OwnTracks topic)
    technician_id: UUID | None = None  # our batch form may name the technician directly
    accuracy_m: float | None = None
    speed_mps: float | None = None
    heading: float | None = None  # degrees clockwise from north, [0, 360)
    altitude_m: float | None = None
    battery: float | None = None  # 0..1

    @property
    def point(self) -> LonLat:
        """The position as the geo package's point type."""
        return LonLat(self.lon, self.lat)


@dataclass(frozen=True, slots=True)
class Ignored:
    """A well-formed request with nothing to store (OwnTracks non-location, empty body)."""

    reason: str


def read_point(lon: object, lat: object, crs: object, names: tuple[str, str, str]) -> LonLat:
    """A WGS-84 point via ``geo.coordinates.parse_lonlat``; errors name ``names`` (lon/lat/crs)."""
    try:
        return parse_lonlat(lon, lat, crs, field="_")
    except (InvalidCoordinate, UnknownDatum) as exc:
        which = {"_.lon": names[0], "_.lat": names[1], "_.crs": names[2]}
        field = which.get(exc.field, exc.field)
        raise InvalidPosition(field, str(exc).removeprefix(exc.field).strip()) from exc


def read_time(value: object, field: str, now: datetime) -> datetime:
    """A fix time from epoch seconds, epoch milliseconds or ISO-8601 (naive means UTC)."""
    if value is None or value == "":
        raise InvalidPosition(field, "is required")
    number = _number(value)
    if number is not None:
        fix_time = _from_epoch(number, field)
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidPosition(field, f"is not a timestamp: {value!r}") from None
        fix_time = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
    else:
        raise InvalidPosition(field, f"is not a timestamp: {value!r}")
    fix_time = fix_time.astimezone(UTC)
    if fix_time > now + MAX_FUTURE:
        raise InvalidPosition(field, f"{fix_time.isoformat()} is more than a day in the future")
    if fix_time < EARLIEST_FIX:
        raise InvalidPosition(field, f"{fix_time.isoformat()} is before {EARLIEST_FIX.year}")
    return fix_time


def read_float(value: object, field: str) -> float | None:
    """An optional finite number (numbers or numeric strings); ``None`` when absent."""
    if value is None or value == "":
        return None
    number = _number(value)
    if number is None or not math.isfinite(number):
        raise InvalidPosition(field, f"must be a finite number, got {value!r}")
    return number


def read_non_negative(value: object, field: str, *, lenient: bool) -> float | None:
    """An optional number ≥ 0; a negative one is "unknown" if ``lenient``, else an error."""
    number = read_float(value, field)
    if number is not None and number < 0:
        if lenient:
            return None
        raise InvalidPosition(field, f"must not be negative, got {value!r}")
    return number


def read_speed(value: object, field: str, unit: SpeedUnit, *, lenient: bool) -> float | None:
    """A speed converted to m/s from ``unit``."""
    number = read_non_negative(value, field, lenient=lenient)
    return None if number is None else number * _TO_MPS[unit]


def read_heading(value: object, field: str, *, lenient: bool) -> float | None:
    """Degrees in [0, 360); 360 wraps to 0; negative is "unknown" if ``lenient``."""
    number = read_non_negative(value, field, lenient=lenient)
    if number is None:
        return None
    if number > 360 and not lenient:
        raise InvalidPosition(field, f"must be between 0 and 360 degrees, got {value!r}")
    return number % 360.0


def read_battery(value: object, field: str, *, scale: float, lenient: bool) -> float | None:
    """A battery level as a 0..1 fraction, from a value on ``0..scale`` (100 for percent)."""
    number = read_non_negative(value, field, lenient=lenient)
    if number is None:
        return None
    if number > scale:
        raise InvalidPosition(field, f"must be between 0 and {scale:g}, got {value!r}")
    return number / scale


def read_key(value: object, field: str) -> str:
    """A required device identifier: a non-empty string (or a number, as some apps send)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise InvalidPosition(field, "is required")
    key = str(value).strip()
    if not key:
        raise InvalidPosition(field, "is required")
    return key


def read_optional_key(value: object, field: str) -> str | None:
    """A device identifier the client may leave out: the ingest URL's secret already names the
    device (a stock OsmAnd install sends only what its URL template names)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return read_key(value, field)


def _number(value: object) -> float | None:
    """A float from a number or numeric string; ``None`` for anything else (bool included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _from_epoch(number: float, field: str) -> datetime:
    """Seconds or milliseconds since the epoch, told apart by magnitude."""
    if not math.isfinite(number):
        raise InvalidPosition(field, "must be a finite number")
    try:
        return epoch_time(number)
    except OverflowError:
        raise InvalidPosition(field, f"is out of range: {number!r}") from None


def epoch_time(number: float) -> datetime:
    """The UTC time of a finite epoch number: seconds, or milliseconds from 1e11 on (the year
    5138 in seconds, 1973 in milliseconds). ``OverflowError`` beyond ``datetime``'s range."""
    return _EPOCH + timedelta(seconds=number / 1000.0 if abs(number) >= _MS_THRESHOLD else number)
