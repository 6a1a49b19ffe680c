"""Service areas: GeoJSON (Multi)Polygons checked and turned into EWKT for the database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from geo.errors import InvalidGeometry


def parse_area(geojson: Mapping[str, Any], field: str = "service_area") -> MultiPolygon:
    """A valid WGS-84 (Multi)Polygon from GeoJSON, or ``InvalidGeometry`` naming ``field``."""
    kind = geojson.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise InvalidGeometry(field, f"{field} must be a GeoJSON Polygon or MultiPolygon, got {kind!r}")
    try:
        geometry = shape(geojson)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as error:
        raise InvalidGeometry(field, f"{field} is not valid GeoJSON: {error}") from None
    if geometry.is_empty:
        raise InvalidGeometry(field, f"{field} is empty")
    west, south, east, north = geometry.bounds
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidGeometry(field, f"{field} has coordinates outside lon [-180, 180], lat [-90, 90]")
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        raise InvalidGeometry(field, f"{field} is not a valid polygon ({reason}): fix the ring")
    return geometry if isinstance(geometry, MultiPolygon) else MultiPolygon([geometry])


def area_ewkt(area: MultiPolygon) -> str:
    return f"SRID=4326;{area.wkt}"


def area_geojson(wkb_hex: str | bytes) -> dict[str, Any]:
    """GeoJSON of a (Multi)Polygon read from the database as WKB."""
    geometry = shapely.from_wkb(wkb_hex)
    if not isinstance(geometry, Polygon | MultiPolygon):
        raise TypeError(f"expected a polygon, got {geometry.geom_type}")
    mapping: dict[str, Any] = shapely.geometry.mapping(geometry)
    return mapping


BBox = tuple[float, float, float, float]
"""``(west, south, east, north)`` in WGS-84 degrees."""


def parse_bbox(text: str | None, field: str = "bbox") -> BBox | None:
    """``west,south,east,north`` in WGS-84 degrees; ``None`` when absent."""
    if text is None:
        return None
    try:
        west, south, east, north = (float(part) for part in text.split(","))
    except ValueError:
        raise InvalidGeometry(field, f"{field} must be west,south,east,north in degrees") from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise InvalidGeometry(
            field, f"{field} out of range: lon in [-180, 180], lat in [-90, 90], south <= north"
        )
    return west, south, east, north
