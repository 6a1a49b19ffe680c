"""Traccar Client / OsmAnd protocol: query-string and JSON forms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dispatch.positions import InvalidPosition, SpeedUnit, parse_osmand_json, parse_osmand_query

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
FIX = datetime(2026, 11, 23, 11, 58, 20, tzinfo=UTC)
FIX_S = int(FIX.timestamp())


def _query(**extra: str) -> dict[str, str]:
    return {"id": "356938035643809", "lat": "30.5928", "lon": "114.3055", **extra}


@pytest.mark.parametrize(
    "timestamp",
    [
        str(FIX_S),  # seconds
        str(FIX_S * 1000),  # milliseconds
        "2026-11-23T11:58:20Z",  # ISO-8601, UTC
        "2026-11-23T19:58:20+08:00",  # ISO-8601 with offset
        "2026-11-23 11:58:20",  # naive: read as UTC
        f"{FIX_S}.0",
    ],
)
def test_query_timestamp_as_seconds_milliseconds_or_iso(timestamp: str) -> None:
    fix = parse_osmand_query(_query(timestamp=timestamp), now=NOW)
    assert fix.fix_time == FIX
    assert fix.fix_time.tzinfo is UTC


def test_query_full_form() -> None:
    fix = parse_osmand_query(
        _query(
            timestamp=str(FIX_S),
            speed="10",
            bearing="271.5",
            altitude="37.2",
            accuracy="12.5",
            batt="87",
        ),
        now=NOW,
    )
    assert (fix.device_key, fix.lon, fix.lat) == ("356938035643809", 114.3055, 30.5928)
    assert fix.speed_mps == pytest.approx(5.14444, rel=1e-5)  # 10 knots, the default unit
    assert (fix.heading, fix.altitude_m, fix.accuracy_m) == (271.5, 37.2, 12.5)
    assert fix.battery == pytest.approx(0.87)


@pytest.mark.parametrize(
    ("unit", "mps"),
    [(SpeedUnit.KNOTS, 10 * 1852 / 3600), (SpeedUnit.MPS, 10.0), (SpeedUnit.KMH, 10 / 3.6)],
)
def test_query_speed_unit_is_a_per_device_setting(unit: SpeedUnit, mps: float) -> None:
    fix = parse_osmand_query(_query(timestamp=str(FIX_S), speed="10"), now=NOW, speed_unit=unit)
    assert fix.speed_mps == pytest.approx(mps)


def test_query_aliases_deviceid_location_and_heading() -> None:
    fix = parse_osmand_query(
        {"deviceid": "abc", "location": "30.5,114.25", "timestamp": str(FIX_S), "heading": "90"},
        now=NOW,
    )
    assert (fix.device_key, fix.lat, fix.lon, fix.heading) == ("abc", 30.5, 114.25, 90.0)


def test_query_unknown_values_reported_as_minus_one_become_none() -> None:
    fix = parse_osmand_query(
        _query(timestamp=str(FIX_S), speed="-1", bearing="-1", accuracy="-1", batt="-1"), now=NOW
    )
    assert (fix.speed_mps, fix.heading, fix.accuracy_m, fix.battery) == (None, None, None, None)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"id": "a", "lat": "95", "lon": "114", "timestamp": str(FIX_S)}, "lat"),
        ({"id": "a", "lat": "30", "lon": "181", "timestamp": str(FIX_S)}, "lon"),
        ({"id": "a", "lat": "x", "lon": "114", "timestamp": str(FIX_S)}, "lat"),
        ({"id": "a", "lon": "114", "timestamp": str(FIX_S)}, "lat"),
        ({"id": "a", "location": "30;114", "timestamp": str(FIX_S)}, "location"),
        ({"id": "a", "lat": "30", "lon": "114"}, "timestamp"),
        ({"id": "a", "lat": "30", "lon": "114", "timestamp": "yesterday"}, "timestamp"),
        ({"id": "a", "lat": "30", "lon": "114", "timestamp": "0"}, "timestamp"),
        ({"id": "a", "lat": "30", "lon": "114", "timestamp": str(FIX_S), "batt": "150"}, "batt"),
        ({"id": "a", "lat": "30", "lon": "114", "timestamp": str(FIX_S), "speed": "fast"}, "speed"),
        (
            {"id": "a", "lat": "30", "lon": "114", "timestamp": str(FIX_S), "altitude": "nan"},
            "altitude",
        ),
    ],
)
def test_query_invalid_input_names_the_field(params: dict[str, str], field: str) -> None:
    with pytest.raises(InvalidPosition) as err:
        parse_osmand_query(params, now=NOW)
    assert err.value.field == field


def test_timestamp_more_than_a_day_in_the_future_is_invalid() -> None:
    """Bad input: timestamps more than a day in the future → 400."""
    ahead = str(int(NOW.timestamp()) + 86_400 + 60)
    with pytest.raises(InvalidPosition, match="future") as err:
        parse_osmand_query(_query(timestamp=ahead), now=NOW)
    assert err.value.field == "timestamp"
    almost = str(int(NOW.timestamp()) + 86_400 - 60)
    assert parse_osmand_query(_query(timestamp=almost), now=NOW).fix_time > NOW


def _json(**coords: object) -> dict[str, object]:
    return {
        "device_id": "356938035643809",
        "location": {
            "timestamp": "2026-11-23T11:58:20.000Z",
            "coords": {"latitude": 30.5928, "longitude": 114.3055, **coords},
            "is_moving": True,
            "battery": {"level": 0.42, "is_charging": False},
        },
    }


def test_json_form_speed_is_metres_per_second() -> None:
    fix = parse_osmand_json(_json(accuracy=8.0, speed=13.9, heading=182.0, altitude=41.0), now=NOW)
    assert (fix.device_key, fix.lon, fix.lat, fix.fix_time) == (
        "356938035643809",
        114.3055,
        30.5928,
        FIX,
    )
    assert (fix.speed_mps, fix.heading, fix.altitude_m, fix.accuracy_m) == (13.9, 182.0, 41.0, 8.0)
    assert fix.battery == 0.42


@pytest.mark.parametrize("timestamp", [FIX_S, FIX_S * 1000, "2026-11-23T11:58:20Z"])
def test_json_form_timestamp_as_seconds_milliseconds_or_iso(timestamp: object) -> None:
    body = _json()
    body["location"]["timestamp"] = timestamp  # type: ignore[index]
    assert parse_osmand_json(body, now=NOW).fix_time == FIX


def test_json_form_unknown_speed_heading_and_battery() -> None:
    body = _json(speed=-1, heading=-1)
    body["location"]["battery"] = {"level": -1}  # type: ignore[index]
    fix = parse_osmand_json(body, now=NOW)
    assert (fix.speed_mps, fix.heading, fix.battery) == (None, None, None)


def test_json_form_numeric_device_id_is_accepted() -> None:
    body = _json()
    body["device_id"] = 12345
    assert parse_osmand_json(body, now=NOW).device_key == "12345"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "body"),
        ({"location": {}}, "location.coords"),
        ({"device_id": "a"}, "location"),
        ({"device_id": "a", "location": {"timestamp": "2026-11-23T11:58:20Z"}}, "location.coords"),
        (
            {"device_id": "a", "location": {"timestamp": 1, "coords": {"latitude": 1}}},
            "location.coords.longitude",
        ),
        (
            {
                "device_id": "a",
                "location": {"timestamp": "x", "coords": {"latitude": 1, "longitude": 2}},
            },
            "location.timestamp",
        ),
        (
            {
                "device_id": "a",
                "location": {
                    "timestamp": FIX_S,
                    "coords": {"latitude": 1, "longitude": 2},
                    "battery": {"level": 1.5},
                },
            },
            "location.battery.level",
        ),
    ],
)
def test_json_form_invalid_input_names_the_field(body: object, field: str) -> None:
    with pytest.raises(InvalidPosition) as err:
        parse_osmand_json(body, now=NOW)
    assert err.value.field == field


def test_stock_osmand_template_needs_no_id() -> None:
    """The OsmAnd app's default online-tracking URL template names only these parameters
    (``lat={0}&lon={1}&timestamp={2}&hdop={3}&altitude={4}&speed={5}&bearing={6}``): the
    device is the one whose secret is in the path."""
    params = {
        "lat": "30.5928",
        "lon": "114.3055",
        "timestamp": str(FIX_S * 1000),
        "hdop": "4.0",
        "altitude": "23.5",
        "speed": "8.3",
        "bearing": "91.0",
    }
    fix = parse_osmand_query(params, now=NOW, speed_unit=SpeedUnit.MPS)
    assert fix.device_key is None
    assert (fix.lat, fix.lon, fix.speed_mps, fix.heading) == (30.5928, 114.3055, 8.3, 91.0)
    assert parse_osmand_query({**params, "id": "  "}, now=NOW).device_key is None
