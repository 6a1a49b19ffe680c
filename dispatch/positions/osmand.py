"""Traccar Client / OsmAnd protocol: one position per request (ADR 0009).

Two shapes arrive on the same endpoint:

- the query-string form ``?id=…&lat=…&lon=…&timestamp=…&speed=…&bearing=…&altitude=…
  &accuracy=…&batt=…`` (also ``deviceid`` for ``id``, ``location=lat,lon``, ``heading``):
  ``timestamp`` in seconds, milliseconds or ISO-8601; ``speed`` in knots for the legacy
  Traccar Client but m/s from the OsmAnd app, hence the per-device ``speed_unit``;
  ``batt`` in percent;
- the JSON form of newer Traccar Clients: ``{"device_id", "location": {"timestamp",
  "coords": {latitude, longitude, accuracy, speed (m/s), heading, altitude},
  "battery": {"level": 0..1}}}``.

Phones report unknown speed, heading, accuracy or battery as ``-1``: read as "unknown".

``id`` / ``device_id`` are optional: the ingest URL's secret already names the device, and the
OsmAnd app's default template sends only ``lat``, ``lon``, ``timestamp``, ``hdop``, ``altitude``,
``speed`` and ``bearing``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from dispatch.positions.errors import InvalidPosition
from dispatch.positions.fix import (
    PositionFix,
    SpeedUnit,
    read_battery,
    read_float,
    read_heading,
    read_non_negative,
    read_optional_key,
    read_point,
    read_speed,
    read_time,
)


def parse_osmand_query(
    params: Mapping[str, str],
    *,
    now: datetime,
    speed_unit: SpeedUnit = SpeedUnit.KNOTS,
) -> PositionFix:
    """A ``PositionFix`` from the query parameters of one OsmAnd-protocol request."""
    key = read_optional_key(params.get("id") or params.get("deviceid"), "id")
    lat: object = params.get("lat")
    lon: object = params.get("lon")
    location = params.get("location")
    if (lat is None or lon is None) and location:
        parts = location.split(",")
        if len(parts) != 2:
            raise InvalidPosition("location", f"must be 'lat,lon', got {location!r}")
        lat, lon = parts
    point = read_point(lon, lat, None, ("lon", "lat", "crs"))
    heading = params.get("bearing", params.get("heading"))
    return PositionFix(
        lon=point.lon,
        lat=point.lat,
        fix_time=read_time(params.get("timestamp"), "timestamp", now),
        device_key=key,
        accuracy_m=read_non_negative(params.get("accuracy"), "accuracy", lenient=True),
        speed_mps=read_speed(params.get("speed"), "speed", speed_unit, lenient=True),
        heading=read_heading(heading, "bearing", lenient=True),
        altitude_m=read_float(params.get("altitude"), "altitude"),
        battery=read_battery(params.get("batt"), "batt", scale=100.0, lenient=True),
    )


def parse_osmand_json(body: object, *, now: datetime) -> PositionFix:
    """A ``PositionFix`` from the JSON body of a Traccar Client (speed always in m/s)."""
    if not isinstance(body, Mapping):
        raise InvalidPosition("body", "must be a JSON object")
    key = read_optional_key(body.get("device_id"), "device_id")
    location = body.get("location")
    if not isinstance(location, Mapping):
        raise InvalidPosition("location", "must be an object")
    coords = location.get("coords")
    if not isinstance(coords, Mapping):
        raise InvalidPosition("location.coords", "must be an object")
    battery = location.get("battery")
    level = battery.get("level") if isinstance(battery, Mapping) else None
    c = "location.coords."
    point = read_point(
        coords.get("longitude"), coords.get("latitude"), None, (f"{c}longitude", f"{c}latitude", "")
    )
    return PositionFix(
        lon=point.lon,
        lat=point.lat,
        fix_time=read_time(location.get("timestamp"), "location.timestamp", now),
        device_key=key,
        accuracy_m=read_non_negative(coords.get("accuracy"), f"{c}accuracy", lenient=True),
        speed_mps=read_speed(coords.get("speed"), f"{c}speed", SpeedUnit.MPS, lenient=True),
        heading=read_heading(coords.get("heading"), f"{c}heading", lenient=True),
        altitude_m=read_float(coords.get("altitude"), f"{c}altitude"),
        battery=read_battery(level, "location.battery.level", scale=1.0, lenient=True),
    )
