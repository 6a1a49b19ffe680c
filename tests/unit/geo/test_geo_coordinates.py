"""Parsing client coordinates into WGS-84 ``LonLat`` values."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal

import pytest

from geo import datums
from geo.coordinates import LonLat, from_wgs84, parse_lonlat
from geo.datums import Datum
from geo.errors import InvalidCoordinate, UnknownDatum


def test_parses_numbers_and_numeric_strings() -> None:
    assert parse_lonlat(116.4, 39.9) == LonLat(116.4, 39.9)
    assert parse_lonlat(116, 40) == LonLat(116.0, 40.0)
    assert parse_lonlat(" 116.4 ", "39.9") == LonLat(116.4, 39.9)


@pytest.mark.parametrize("crs", [None, "WGS84", "epsg:4326", Datum.WGS84])
def test_wgs84_input_is_kept_as_is(crs: object) -> None:
    assert parse_lonlat(121.47, 31.23, crs) == LonLat(121.47, 31.23)


@pytest.mark.parametrize("datum", [Datum.GCJ02, Datum.BD09])
def test_chinese_datums_are_converted_to_wgs84(datum: Datum) -> None:
    sdk_lon, sdk_lat = datums.from_wgs84(121.47, 31.23, datum)
    point = parse_lonlat(sdk_lon, sdk_lat, datum.value)
    assert point.lon == pytest.approx(121.47, abs=1e-8)
    assert point.lat == pytest.approx(31.23, abs=1e-8)
    assert from_wgs84(point, datum) == pytest.approx((sdk_lon, sdk_lat), abs=1e-8)


@pytest.mark.parametrize(
    ("lon", "lat", "bad_field"),
    [
        (True, 30.0, "site.lon"),
        (120.0, False, "site.lat"),
        (math.nan, 30.0, "site.lon"),
        (120.0, math.inf, "site.lat"),
        ("nan", 30.0, "site.lon"),
        ("-inf", 30.0, "site.lon"),
        ("east", 30.0, "site.lon"),
        ("", 30.0, "site.lon"),
        (None, 30.0, "site.lon"),
        ([120.0], 30.0, "site.lon"),
        (180.0001, 30.0, "site.lon"),
        (-181, 30.0, "site.lon"),
        (120.0, 90.5, "site.lat"),
        (120.0, "-91", "site.lat"),
    ],
)
def test_invalid_values_name_the_field_and_the_range(lon: object, lat: object, bad_field: str) -> None:
    with pytest.raises(InvalidCoordinate) as caught:
        parse_lonlat(lon, lat, field="site")
    assert caught.value.field == bad_field
    expected_range = "-180 and 180" if bad_field.endswith("lon") else "-90 and 90"
    assert expected_range in str(caught.value)


def test_range_limits_are_inclusive() -> None:
    assert parse_lonlat(-180, -90) == LonLat(-180.0, -90.0)
    assert parse_lonlat(180, 90) == LonLat(180.0, 90.0)


def test_other_real_numbers_are_accepted() -> None:
    assert parse_lonlat(Decimal("116.5"), 40) == LonLat(116.5, 40.0)


@pytest.mark.parametrize("crs", ["EPSG:3857", 4326, b"WGS84"])
def test_unknown_crs_names_the_crs_field(crs: object) -> None:
    with pytest.raises(UnknownDatum) as caught:
        parse_lonlat(116.4, 39.9, crs, field="customer.location")
    assert caught.value.field == "customer.location.crs"


def test_lonlat_cannot_be_built_invalid_or_changed() -> None:
    with pytest.raises(InvalidCoordinate):
        LonLat(200.0, 0.0)
    with pytest.raises(InvalidCoordinate):
        LonLat(0.0, math.nan)
    point = LonLat(1.0, 2.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.lon = 3.0  # type: ignore[misc]
