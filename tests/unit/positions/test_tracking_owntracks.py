"""OwnTracks HTTP mode: location messages, other types and empty bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from dispatch.positions import Ignored, InvalidPosition, PositionFix, parse_owntracks

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TST = int(datetime(2026, 11, 23, 11, 30, tzinfo=UTC).timestamp())
LOCATION = {
    "_type": "location",
    "lat": 39.9042,
    "lon": 116.4074,
    "tst": TST,
    "vel": 72,
    "acc": 15,
    "alt": 44,
    "cog": 350,
    "batt": 64,
    "tid": "zw",
    "topic": "owntracks/zhang/phone",
    "conn": "m",
}


@pytest.mark.parametrize("body", [LOCATION, json.dumps(LOCATION), json.dumps(LOCATION).encode()])
def test_location_message(body: object) -> None:
    fix = parse_owntracks(body, now=NOW)  # type: ignore[arg-type]
    assert isinstance(fix, PositionFix)
    assert (fix.lon, fix.lat) == (116.4074, 39.9042)
    assert fix.fix_time == datetime(2026, 11, 23, 11, 30, tzinfo=UTC)
    assert fix.speed_mps == pytest.approx(20.0)  # vel 72 km/h
    assert (fix.accuracy_m, fix.altitude_m, fix.heading) == (15.0, 44.0, 350.0)
    assert fix.battery == pytest.approx(0.64)
    assert fix.device_key == "owntracks/zhang/phone"


def test_device_key_falls_back_to_tid() -> None:
    message = {k: v for k, v in LOCATION.items() if k != "topic"}
    fix = parse_owntracks(message, now=NOW)
    assert isinstance(fix, PositionFix)
    assert fix.device_key == "zw"


def test_minimal_location() -> None:
    fix = parse_owntracks({"_type": "location", "lat": 1, "lon": 2, "tst": TST}, now=NOW)
    assert isinstance(fix, PositionFix)
    assert (fix.speed_mps, fix.battery, fix.device_key) == (None, None, None)


@pytest.mark.parametrize(
    "body",
    [
        None,
        b"",
        b"   \n",
        "",
        {"_type": "transition", "event": "enter", "tst": TST},
        {"_type": "waypoint", "desc": "Plant"},
        {"_type": "lwt", "tst": TST},
        {"_type": "status"},
        {"lat": 1, "lon": 2, "tst": TST},  # no _type at all
    ],
)
def test_other_types_and_empty_bodies_store_nothing(body: object) -> None:
    """Answered 200 ``[]`` by the API: a rejection stalls the app's queue."""
    assert isinstance(parse_owntracks(body, now=NOW), Ignored)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        ({"_type": "location", "lon": 2, "tst": TST}, "lat"),
        ({"_type": "location", "lat": 91, "lon": 2, "tst": TST}, "lat"),
        ({"_type": "location", "lat": 1, "lon": 2}, "tst"),
        ({"_type": "location", "lat": 1, "lon": 2, "tst": TST + 3 * 86_400}, "tst"),
        ({"_type": "location", "lat": 1, "lon": 2, "tst": TST, "batt": 101}, "batt"),
    ],
)
def test_invalid_location_names_the_field(body: object, field: str) -> None:
    with pytest.raises(InvalidPosition) as err:
        parse_owntracks(body, now=NOW)  # type: ignore[arg-type]
    assert err.value.field == field
