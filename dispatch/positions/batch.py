"""Our own batch form, ``POST /api/v1/positions``.

Each item: ``{device_id | technician_id, lon, lat, crs?, fix_time, accuracy_m?, speed_mps?,
heading?, altitude_m?, battery?}`` with ``crs`` any datum ``geo.coordinates`` accepts
(WGS-84 by default, GCJ-02 and BD-09 from Chinese map SDKs), ``fix_time`` ISO-8601 or epoch
seconds / milliseconds, ``battery`` a 0..1 fraction. Our app is held to the contract, so
unlike the third-party protocols, negative values are errors here, not "unknown".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from uuid import UUID

from dispatch.positions.errors import InvalidPosition
from dispatch.positions.fix import (
    PositionFix,
    SpeedUnit,
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
    return [parse_batch_item(item, now=now, field=f"{field}[{i}]", index=i) for i, item in enumerate(items)]


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
