"""OwnTracks HTTP mode (ADR 0009, ``docs/adr/0009-tracking-client-protocols.md``).

The app posts JSON messages; only ``_type: "location"`` carries a position (``lat``, ``lon``,
``tst`` epoch seconds, ``vel`` km/h, ``acc`` m, ``alt`` m, ``cog`` degrees, ``batt`` percent,
``tid``, ``topic``). Other types (``transition``, ``waypoint``, ``lwt``, …) and zero-length
bodies happen and must be acknowledged with 200 ``[]``, since a refusal stalls the iOS app's
queue: they give ``Ignored``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from dispatch.positions.errors import InvalidPosition
from dispatch.positions.fix import (
    Ignored,
    PositionFix,
    SpeedUnit,
    read_battery,
    read_float,
    read_heading,
    read_non_negative,
    read_point,
    read_speed,
    read_time,
)


def parse_owntracks(
    body: bytes | str | Mapping[str, object] | None, *, now: datetime
) -> PositionFix | Ignored:
    """A ``PositionFix`` from an OwnTracks message, or ``Ignored`` when there is none.

    ``body`` may be the raw request body (bytes or text; empty means nothing) or the decoded
    JSON object. A body that is not JSON, or a location without valid ``lat``/``lon``/``tst``,
    raises ``InvalidPosition``.
    """
    message = _decode(body)
    if isinstance(message, Ignored):
        return message
    kind = message.get("_type")
    if kind != "location":
        return Ignored(f"_type {kind!r} carries no position")
    point = read_point(message.get("lon"), message.get("lat"), None, ("lon", "lat", "crs"))
    return PositionFix(
        lon=point.lon,
        lat=point.lat,
        fix_time=read_time(message.get("tst"), "tst", now),
        device_key=_device_key(message),
        accuracy_m=read_non_negative(message.get("acc"), "acc", lenient=True),
        speed_mps=read_speed(message.get("vel"), "vel", SpeedUnit.KMH, lenient=True),
        heading=read_heading(message.get("cog"), "cog", lenient=True),
        altitude_m=read_float(message.get("alt"), "alt"),
        battery=read_battery(message.get("batt"), "batt", scale=100.0, lenient=True),
    )


def _decode(body: bytes | str | Mapping[str, object] | None) -> Mapping[str, object] | Ignored:
    if body is None:
        return Ignored("empty body")
    if isinstance(body, Mapping):
        return body
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    if not text.strip():
        return Ignored("empty body")
    try:
        decoded = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidPosition("body", f"is not JSON: {exc.msg}") from None
    if not isinstance(decoded, dict):
        raise InvalidPosition("body", "must be a JSON object")
    return decoded


def _device_key(message: Mapping[str, object]) -> str | None:
    """The MQTT-style ``topic`` (``owntracks/user/device``), else the tracker id ``tid``."""
    for name in ("topic", "tid"):
        value = message.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
