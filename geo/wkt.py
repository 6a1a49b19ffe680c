"""Points as (E)WKT for the database, the one text form PostGIS parses for geography."""

from __future__ import annotations

from geo.coordinates import LonLat


def point_ewkt(point: LonLat) -> str:
    """``SRID=4326;POINT(lon lat)`` with full float precision (repr round-trips)."""
    return f"SRID=4326;POINT({point.lon!r} {point.lat!r})"
