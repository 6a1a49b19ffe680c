"""Build GeoJSON (RFC 7946) objects from our points: plain dicts, longitude first.

RFC 7946 fixes the CRS to WGS-84 and the axis order to ``[lon, lat]``, which is what
``LonLat`` holds, so no conversion happens here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from geo.coordinates import LonLat

GeoJSON = dict[str, Any]


def point(p: LonLat) -> GeoJSON:
    """A GeoJSON Point geometry."""
    return {"type": "Point", "coordinates": _position(p)}


def line_string(points: Sequence[LonLat]) -> GeoJSON:
    """A GeoJSON LineString geometry; RFC 7946 requires at least two positions."""
    if len(points) < 2:
        raise ValueError(f"a LineString needs at least 2 points, got {len(points)}")
    return {"type": "LineString", "coordinates": [_position(p) for p in points]}


def feature(
    geometry: GeoJSON | None,
    properties: Mapping[str, Any] | None = None,
    feature_id: str | int | None = None,
) -> GeoJSON:
    """A GeoJSON Feature; ``properties`` is copied, ``None`` stays ``null`` as RFC 7946 allows."""
    result: GeoJSON = {
        "type": "Feature",
        "geometry": geometry,
        "properties": None if properties is None else dict(properties),
    }
    if feature_id is not None:
        result["id"] = feature_id
    return result


def feature_collection(features: Iterable[GeoJSON]) -> GeoJSON:
    """A GeoJSON FeatureCollection of the given features, in order."""
    return {"type": "FeatureCollection", "features": list(features)}


def _position(p: LonLat) -> list[float]:
    """The ``[lon, lat]`` position of a point."""
    return [p.lon, p.lat]
