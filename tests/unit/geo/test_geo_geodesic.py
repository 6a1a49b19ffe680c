"""Ellipsoidal distances: reference values, vectorised forms, and why not a sphere."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.coordinates import LonLat
from geo.geodesic import WGS84_GEOD, geodesic_m, geodesic_many_m, matrix_m

# GeographicLib's own example (examples/example-Geodesic-small.cpp: "Distance from JFK to
# LHR"); s12 = 5551759.400319 m as printed by GeographicLib's documentation.
JFK = LonLat(-73.8, 40.6)
LHR = LonLat(-0.5, 51.6)
JFK_LHR_M = 5551759.400319

# Karney's test set as used by geographiclib/geographiclib-python,
# geographiclib/test/test_geodesic.py (GeodesicTest.testcases): lat1, lon1, lat2, lon2, s12.
KARNEY_CASES = [
    (35.60777, -139.44815, -11.17491, -69.95921, 8935244.5604818305),
    (55.52454, 106.05087, 77.03196, 197.18234, 4105086.1713924406),
    (-21.97856, 142.59065, 41.84138, 98.56635, 8394328.894657671),
    (-41.22777, 122.32875, -7.57291, 130.37946, 3812686.035106021),
]

MEAN_EARTH_RADIUS_M = 6371008.8  # IUGG mean radius R1, what haversine implementations use


def _haversine_m(a: LonLat, b: LonLat) -> float:
    """Great-circle distance on a sphere of the mean Earth radius."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    d_phi, d_lambda = phi2 - phi1, math.radians(b.lon - a.lon)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * MEAN_EARTH_RADIUS_M * math.asin(math.sqrt(h))


def test_matches_geographiclib_reference_value() -> None:
    assert geodesic_m(JFK, LHR) == pytest.approx(JFK_LHR_M, abs=1e-5)
    assert geodesic_m(LHR, JFK) == pytest.approx(JFK_LHR_M, abs=1e-5)


@pytest.mark.parametrize(("lat1", "lon1", "lat2", "lon2", "s12"), KARNEY_CASES)
def test_matches_karney_test_set(lat1: float, lon1: float, lat2: float, lon2: float, s12: float) -> None:
    lon2_wrapped = (lon2 + 180.0) % 360.0 - 180.0
    assert geodesic_m(LonLat(lon1, lat1), LonLat(lon2_wrapped, lat2)) == pytest.approx(s12, abs=1e-6)


def test_zero_for_the_same_point() -> None:
    assert geodesic_m(JFK, JFK) == 0.0


def test_sphere_misses_the_500_km_tier_boundary_by_over_a_kilometre() -> None:
    # Service tiers are promised by distance (≤ 500 km). North–south from Guangzhou, find the
    # point exactly 500 km away on the ellipsoid; a sphere puts it > 1 km elsewhere.
    guangzhou = LonLat(113.2644, 23.1291)
    lon, lat, _ = WGS84_GEOD.fwd(guangzhou.lon, guangzhou.lat, 0.0, 500_000.0)
    north = LonLat(float(lon), float(lat))
    assert geodesic_m(guangzhou, north) == pytest.approx(500_000.0, abs=1e-6)
    assert abs(_haversine_m(guangzhou, north) - 500_000.0) > 1_000.0


def test_many_is_one_call_equal_to_pairwise() -> None:
    lons = [116.4, 121.47, 113.26, 104.07]
    lats = [39.9, 31.23, 23.13, 30.67]
    origin = LonLat(114.3, 30.6)
    result = geodesic_many_m(origin, lons, lats)
    expected = [geodesic_m(origin, LonLat(x, y)) for x, y in zip(lons, lats, strict=True)]
    assert result == pytest.approx(expected, abs=1e-6)
    assert all(isinstance(d, float) for d in result)


def test_many_handles_empty_and_rejects_mismatched_lengths() -> None:
    assert geodesic_many_m(JFK, [], []) == []
    with pytest.raises(ValueError, match="differ in length"):
        geodesic_many_m(JFK, [1.0, 2.0], [1.0])


def test_matrix_rows_are_origins_and_columns_destinations() -> None:
    origins = [JFK, LHR]
    destinations = [LHR, JFK, LonLat(116.4, 39.9)]
    result = matrix_m(origins, destinations)
    assert result.shape == (2, 3)
    for i, a in enumerate(origins):
        for j, b in enumerate(destinations):
            assert result[i, j] == pytest.approx(geodesic_m(a, b), abs=1e-6)


@pytest.mark.parametrize(("n", "m"), [(0, 3), (2, 0), (0, 0)])
def test_matrix_of_empty_inputs_has_the_right_shape(n: int, m: int) -> None:
    result = matrix_m([JFK] * n, [LHR] * m)
    assert result.shape == (n, m)
    assert result.dtype == np.float64
