"""Distances on the WGS-84 ellipsoid (Karney's algorithm via ``pyproj.Geod``).

Why the ellipsoid and not a sphere: service tiers are promised to customers by distance
(e.g. "within 500 km"). A spherical haversine is off by up to ~0.5 %, i.e. more than a
kilometre at 500 km on a north–south line in southern China, which is enough to put a
customer on the wrong side of a contractual boundary. ``Geod.inv`` is accurate to nanometres
and, vectorised, still does over a million pairs per second.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from pyproj import Geod

from geo.coordinates import LonLat

WGS84_GEOD = Geod(ellps="WGS84")

FloatArray = npt.NDArray[np.float64]


def geodesic_m(a: LonLat, b: LonLat) -> float:
    """Shortest distance in metres between two points on the WGS-84 ellipsoid."""
    return geodesic_between_m(a.lon, a.lat, b.lon, b.lat)


def geodesic_between_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """``geodesic_m`` of coordinates already validated (fix against fix, once per stored fix:
    no point objects to build)."""
    _, _, dist = WGS84_GEOD.inv(lon1, lat1, lon2, lat2)
    return float(dist)


def geodesic_many_m(origin: LonLat, lons: Sequence[float], lats: Sequence[float]) -> list[float]:
    """Distances in metres from ``origin`` to each ``(lons[i], lats[i])``, in one call.

    Plain lists, not numpy arrays: for the handful of outlets a dispatch decision re-ranks, building
    the arrays cost more than the geodesics (the same C code computes either way)."""
    if len(lons) != len(lats):
        raise ValueError(f"lons and lats differ in length: {len(lons)} != {len(lats)}")
    if len(lons) == 0:  # not `not lons`: numpy arrays are welcome too
        return []
    count = len(lons)
    _, _, dist = WGS84_GEOD.inv([origin.lon] * count, [origin.lat] * count, list(lons), list(lats))
    return [float(d) for d in dist]


def matrix_m(origins: Sequence[LonLat], destinations: Sequence[LonLat]) -> FloatArray:
    """The ``len(origins) × len(destinations)`` matrix of geodesic distances in metres."""
    n, m = len(origins), len(destinations)
    if n == 0 or m == 0:
        return np.zeros((n, m), dtype=np.float64)
    o_lon, o_lat = _columns(origins)
    d_lon, d_lat = _columns(destinations)
    dist = _inv(np.repeat(o_lon, m), np.repeat(o_lat, m), np.tile(d_lon, n), np.tile(d_lat, n))
    return dist.reshape(n, m)


def _columns(points: Sequence[LonLat]) -> tuple[FloatArray, FloatArray]:
    """Longitudes and latitudes of ``points`` as two float arrays."""
    lon = np.fromiter((p.lon for p in points), dtype=np.float64, count=len(points))
    lat = np.fromiter((p.lat for p in points), dtype=np.float64, count=len(points))
    return lon, lat


def _inv(lon1: FloatArray, lat1: FloatArray, lon2: FloatArray, lat2: FloatArray) -> FloatArray:
    """Vectorised inverse geodesic problem; returns only the distances."""
    _, _, dist = WGS84_GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(dist, dtype=np.float64)
