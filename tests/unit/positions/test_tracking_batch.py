"""Our own batch form, ``POST /api/v1/positions``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

import pytest

from dispatch.positions import MAX_BATCH, InvalidPosition, PositionFix, parse_batch, parse_batch_item
from dispatch.positions.batch import _plain_item
from geo.datums import Datum, from_wgs84

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TECH = UUID("00000000-0000-4000-8000-0000000000e1")


def _item(**fields: object) -> dict[str, object]:
    return {
        "device_id": "app-1",
        "lon": 114.3055,
        "lat": 30.5928,
        "fix_time": "2026-11-23T11:00:00Z",
        **fields,
    }


def test_full_item() -> None:
    fix = parse_batch_item(
        _item(accuracy_m=5, speed_mps=12.5, heading=359.9, altitude_m=20, battery=0.8), now=NOW
    )
    assert (fix.device_key, fix.technician_id, fix.lon, fix.lat) == (
        "app-1",
        None,
        114.3055,
        30.5928,
    )
    assert fix.fix_time == datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
    assert (fix.accuracy_m, fix.speed_mps, fix.heading, fix.altitude_m, fix.battery) == (
        5.0,
        12.5,
        359.9,
        20.0,
        0.8,
    )


def test_technician_id_instead_of_device_id() -> None:
    item = _item(technician_id=str(TECH))
    del item["device_id"]
    fix = parse_batch_item(item, now=NOW)
    assert (fix.device_key, fix.technician_id) == (None, TECH)


def test_gcj02_input_is_stored_as_wgs84() -> None:
    """Chinese map SDKs report GCJ-02; positions are stored in WGS-84 (geo.coordinates)."""
    wgs_lon, wgs_lat = 114.3055, 30.5928
    gcj_lon, gcj_lat = from_wgs84(wgs_lon, wgs_lat, Datum.GCJ02)
    fix = parse_batch_item(_item(lon=gcj_lon, lat=gcj_lat, crs="GCJ02"), now=NOW)
    assert fix.lon == pytest.approx(wgs_lon, abs=1e-6)
    assert fix.lat == pytest.approx(wgs_lat, abs=1e-6)


def test_batch_parses_every_item_in_order() -> None:
    items = [_item(fix_time=1795000000 + i) for i in range(3)]
    fixes = parse_batch(items, now=NOW)
    assert [f.fix_time.timestamp() for f in fixes] == [1795000000, 1795000001, 1795000002]


def test_batch_error_names_the_index_of_the_bad_item() -> None:
    items = [_item(), _item(), _item(lat=-91)]
    with pytest.raises(InvalidPosition) as err:
        parse_batch(items, now=NOW)
    assert (err.value.index, err.value.field) == (2, "positions[2].lat")


def test_batch_over_the_limit_is_refused() -> None:
    with pytest.raises(InvalidPosition, match="1001") as err:
        parse_batch([_item()] * (MAX_BATCH + 1), now=NOW)
    assert err.value.field == "positions"
    assert err.value.index is None
    assert len(parse_batch([_item()] * MAX_BATCH, now=NOW)) == MAX_BATCH


@pytest.mark.parametrize("items", [{"a": 1}, "abc", None])
def test_batch_must_be_a_list(items: object) -> None:
    with pytest.raises(InvalidPosition):
        parse_batch(items, now=NOW)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"device_id": None}, "device_id"),  # neither id
        ({"technician_id": str(TECH)}, "device_id"),  # both ids
        ({"device_id": None, "technician_id": "nope"}, "technician_id"),
        ({"crs": "EPSG:3857"}, "crs"),
        ({"lon": "abc"}, "lon"),
        ({"lon": True}, "lon"),
        ({"fix_time": None}, "fix_time"),
        ({"fix_time": "2026-11-25T12:00:01Z"}, "fix_time"),  # > 1 day in the future
        ({"accuracy_m": -1}, "accuracy_m"),
        ({"speed_mps": -0.5}, "speed_mps"),
        ({"heading": 361}, "heading"),
        ({"heading": -10}, "heading"),
        ({"battery": 55}, "battery"),  # a fraction, not percent
    ],
)
def test_invalid_item_names_the_field(fields: dict[str, object], field: str) -> None:
    item = {k: v for k, v in _item(**fields).items() if v is not None}
    with pytest.raises(InvalidPosition) as err:
        parse_batch([item], now=NOW)
    assert (err.value.field, err.value.index) == (f"positions[0].{field}", 0)


def test_item_must_be_an_object() -> None:
    with pytest.raises(InvalidPosition) as err:
        parse_batch([_item(), 5], now=NOW)
    assert (err.value.field, err.value.index) == ("positions[1]", 1)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"fix_time": 1795000000123},  # epoch milliseconds
        {"fix_time": 1795000000.5},  # epoch seconds
        {"fix_time": "1795000000"},  # a numeric string is epoch seconds
        {"lon": 180, "lat": -90, "heading": 360, "battery": 1, "accuracy_m": 0, "speed_mps": 0},
        {"heading": 359.5, "altitude_m": -12.5, "battery": 0.0},
        {"device_id": None, "technician_id": str(TECH)},
        {"device_id": None, "technician_id": "{" + str(TECH) + "}"},
        {"device_id": 42},
        {"device_id": "  padded  "},
        {"crs": "GCJ02"},
        {"lon": "114.3"},
        {"accuracy_m": ""},
        {"speed_mps": True},
        {"lat": float("nan")},
        {"heading": 360.5},
        {"battery": 1.5},
        {"fix_time": 10**20},
        {"device_id": " "},
    ],
)
def test_the_plain_reading_agrees_with_the_full_one(fields: dict[str, object]) -> None:
    """Items in our app's shape skip the per-field names (``_plain_item``); whatever it answers
    is what the full reading answers, and it leaves everything else to that reading."""
    item = _item(**fields)
    plain = _plain_item(item, NOW, {})
    full = _outcome(lambda: parse_batch_item(item, now=NOW))
    in_batch = _outcome(lambda: parse_batch([_item(), item], now=NOW)[1])
    if isinstance(full, InvalidPosition):
        assert plain is None
        assert isinstance(in_batch, InvalidPosition)
        assert (in_batch.field, in_batch.index) == (f"positions[1].{full.field}", 1)
    else:
        assert plain is None or plain == full
        assert in_batch == full


def _outcome(read: Callable[[], PositionFix]) -> PositionFix | InvalidPosition:
    try:
        return read()
    except InvalidPosition as refused:
        return refused


def test_our_apps_shape_takes_the_plain_reading() -> None:
    by_technician = {**_item(fix_time=1795000000123, accuracy_m=5, speed_mps=1.5), "technician_id": str(TECH)}
    del by_technician["device_id"]
    for item in (_item(), _item(heading=90, altitude_m=3, battery=0.5), by_technician):
        assert _plain_item(item, NOW, {}) == parse_batch_item(item, now=NOW)
