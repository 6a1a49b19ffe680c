"""GeoJSON builders: RFC 7946 shapes, longitude first."""

from __future__ import annotations

import json

import pytest

from geo import geojson
from geo.coordinates import LonLat

A = LonLat(116.4, 39.9)
B = LonLat(121.47, 31.23)


def test_point_is_lon_lat() -> None:
    assert geojson.point(A) == {"type": "Point", "coordinates": [116.4, 39.9]}


def test_line_string_keeps_order_and_needs_two_points() -> None:
    assert geojson.line_string([A, B]) == {
        "type": "LineString",
        "coordinates": [[116.4, 39.9], [121.47, 31.23]],
    }
    with pytest.raises(ValueError, match="at least 2"):
        geojson.line_string([A])


def test_feature_and_collection_serialise_to_json() -> None:
    props = {"ticket": "T-1"}
    first = geojson.feature(geojson.point(A), props, feature_id=7)
    second = geojson.feature(None)
    collection = geojson.feature_collection([first, second])
    props["ticket"] = "changed"  # the feature holds a copy
    assert json.loads(json.dumps(collection)) == {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": 7,
                "geometry": {"type": "Point", "coordinates": [116.4, 39.9]},
                "properties": {"ticket": "T-1"},
            },
            {"type": "Feature", "geometry": None, "properties": None},
        ],
    }
