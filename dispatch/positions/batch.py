"""Our own batch form, ``POST /api/v1/positions``.

Each item: ``{device_id | technician_id, lon, lat, crs?, fix_time, accuracy_m?, speed_mps?,
heading?, altitude_m?, battery?}`` with ``crs`` any datum ``geo.coordinates`` accepts
(WGS-84 by default, GCJ-02 and BD-09 from Chinese map SDKs), ``fix_time`` ISO-8601 or epoch
seconds / milliseconds, ``battery`` a 0..1 fraction. Our app is held to the contract, so
unlike the third-party protocols, negative values are errors here, not "unknown".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from dispatch.positions.errors import InvalidPosition
from dispatch.positions.fix import (
    EARLIEST_FIX,
    MAX_FUTURE,
    PositionFix,
    SpeedUnit,
    epoch_time,
    read_battery,
    read_float,
    read_heading,
    read_key,
    read_non_negative,
    read_point,
    read_speed,
    read_time,
)

MAX_BATCH = 1000
"""A batch holds up to 1,000 positions (docs/field-engineers.md)."""


def parse_batch(
    items: object, *, now: datetime, max_items: int = MAX_BATCH, field: str = "positions"
) -> list[PositionFix]:
    """All items of a batch, or ``InvalidPosition`` for the first bad one (with its index).

    All or nothing: the API stores a batch only when every item is valid.
    """
    if not isinstance(items, Sequence) or isinstance(items, str | bytes):
        raise InvalidPosition(field, "must be a list of positions")
    if len(items) > max_items:
        raise InvalidPosition(field, f"holds {len(items)} positions, more than {max_items}")
    fixes: list[PositionFix] = []
    ids: dict[str, UUID] = {}
    for i, item in enumerate(items):
        fix = _plain_item(item, now, ids)
        if fix is None:
            fix = parse_batch_item(item, now=now, field=f"{field}[{i}]", index=i)
        fixes.append(fix)
    return fixes


def parse_batch_item(
    item: object, *, now: datetime, field: str = "", index: int | None = None
) -> PositionFix:
    """One batch item as a ``PositionFix``; errors name ``{field}.{name}`` and ``index``."""
    try:
        return _parse(item, now, field)
    except InvalidPosition as exc:
        if exc.index is None and index is not None:
            raise InvalidPosition(exc.field, exc.message, index) from None
        raise


def _parse(item: object, now: datetime, prefix: str) -> PositionFix:
    if not isinstance(item, Mapping):
        raise InvalidPosition(prefix or "position", "must be an object")
    device_key, technician_id = _identity(item, prefix)
    names = (_at(prefix, "lon"), _at(prefix, "lat"), _at(prefix, "crs"))
    point = read_point(item.get("lon"), item.get("lat"), item.get("crs"), names)
    return PositionFix(
        lon=point.lon,
        lat=point.lat,
        fix_time=read_time(item.get("fix_time"), _at(prefix, "fix_time"), now),
        device_key=device_key,
        technician_id=technician_id,
        accuracy_m=read_non_negative(item.get("accuracy_m"), _at(prefix, "accuracy_m"), lenient=False),
        speed_mps=read_speed(item.get("speed_mps"), _at(prefix, "speed_mps"), SpeedUnit.MPS, lenient=False),
        heading=read_heading(item.get("heading"), _at(prefix, "heading"), lenient=False),
        altitude_m=read_float(item.get("altitude_m"), _at(prefix, "altitude_m")),
        battery=read_battery(item.get("battery"), _at(prefix, "battery"), scale=1.0, lenient=False),
    )


def _plain_item(item: object, now: datetime, ids: dict[str, UUID]) -> PositionFix | None:
    """The fix of an item in the shape our app sends (WGS-84, numbers as JSON numbers, one id as
    a string), read without building a field name per value: ``None`` for anything else, which
    the full reading (``_parse``) then accepts or refuses, naming the field. Where this answers,
    it answers what ``_parse`` would: the same readers, or their arithmetic on exact ``int`` /
    ``float`` values (``bool`` is neither here). ``ids`` keeps the technician ids already read
    in this batch (most items of a batch name the same few technicians)."""
    if type(item) is not dict or item.get("crs") is not None:
        return None
    identity = _plain_identity(item.get("device_id"), item.get("technician_id"), ids)
    lon, lat = _plain_number(item.get("lon")), _plain_number(item.get("lat"))
    if (
        identity is None
        or lon is None
        or lat is None
        or not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0)
    ):
        return None
    fix_time = _plain_time(item.get("fix_time"), now)
    if fix_time is None:
        return None
    accuracy, speed, heading = item.get("accuracy_m"), item.get("speed_mps"), item.get("heading")
    altitude, battery = item.get("altitude_m"), item.get("battery")
    if accuracy is not None:
        accuracy = _plain_number(accuracy)
        if accuracy is None or accuracy < 0.0:
            return None
    if speed is not None:
        speed = _plain_number(speed)
        if speed is None or speed < 0.0:
            return None
    if heading is not None:
        heading = _plain_number(heading)
        if heading is None or not 0.0 <= heading <= 360.0:
            return None
        heading %= 360.0
    if altitude is not None:
        altitude = _plain_number(altitude)
        if altitude is None:
            return None
    if battery is not None:
        battery = _plain_number(battery)
        if battery is None or not 0.0 <= battery <= 1.0:
            return None
    return PositionFix(
        lon=lon,
        lat=lat,
        fix_time=fix_time,
        device_key=identity[0],
        technician_id=identity[1],
        accuracy_m=accuracy,
        speed_mps=speed,
        heading=heading,
        altitude_m=altitude,
        battery=battery,
    )


def _plain_time(value: object, now: datetime) -> datetime | None:
    """``read_time`` of an epoch number (what our app sends) without its field name; a text
    goes through ``read_time`` itself, and anything it would refuse is ``None``."""
    number = _plain_number(value)
    if number is None:
        try:
            return read_time(value, "fix_time", now)
        except InvalidPosition:
            return None
    try:
        fix_time = epoch_time(number)
    except OverflowError:
        return None
    return fix_time if EARLIEST_FIX <= fix_time <= now + MAX_FUTURE else None


def _plain_number(value: object) -> float | None:
    """A finite ``int`` or ``float`` as a float (``bool`` excluded); ``None`` for anything else."""
    if type(value) is float or type(value) is int:
        number = float(value)
        if -math.inf < number < math.inf:
            return number
    return None


def _plain_identity(
    device: object, technician: object, ids: dict[str, UUID]
) -> tuple[str | None, UUID | None] | None:
    """``_identity`` for a ``device_id`` or ``technician_id`` given as a string; ``None`` otherwise."""
    if technician is None and type(device) is str and device.strip():
        return device.strip(), None
    if device is None and type(technician) is str:
        known = ids.get(technician)
        if known is None:
            try:
                known = ids[technician] = UUID(technician)
            except ValueError:
                return None
        return None, known
    return None


def _at(prefix: str, key: str) -> str:
    """The error field name of ``key`` inside the item at ``prefix``."""
    return f"{prefix}.{key}" if prefix else key


def _identity(item: Mapping[str, object], prefix: str) -> tuple[str | None, UUID | None]:
    """Exactly one of ``device_id`` and ``technician_id``."""
    device, technician = item.get("device_id"), item.get("technician_id")
    if (device is None) == (technician is None):
        raise InvalidPosition(_at(prefix, "device_id"), "give exactly one of device_id, technician_id")
    if device is not None:
        return read_key(device, _at(prefix, "device_id")), None
    try:
        return None, UUID(str(technician))
    except ValueError:
        raise InvalidPosition(_at(prefix, "technician_id"), "must be a UUID") from None
