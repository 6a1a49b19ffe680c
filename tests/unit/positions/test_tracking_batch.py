"""Our own batch form, ``POST /api/v1/positions``."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from dispatch.positions import MAX_BATCH, InvalidPosition, parse_batch, parse_batch_item
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
