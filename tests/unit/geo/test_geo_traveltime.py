"""The geodesic travel model: detour factor, speed bands, integer matrices."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.coordinates import LonLat
from geo.geodesic import WGS84_GEOD, geodesic_m
from geo.traveltime import (
    DEFAULT_BANDS,
    GeodesicTravelModel,
    SpeedBand,
    TravelMatrix,
    TravelModel,
)

DEPOT = LonLat(113.2644, 23.1291)  # Guangzhou


def _east_of(origin: LonLat, metres: float) -> LonLat:
    """The point ``metres`` due east of ``origin`` on the ellipsoid."""
    lon, lat, _ = WGS84_GEOD.fwd(origin.lon, origin.lat, 90.0, metres)
    return LonLat(float(lon), float(lat))


def test_is_a_travel_model() -> None:
    model: TravelModel = GeodesicTravelModel()
    assert model.matrix([DEPOT], [DEPOT]).shape == (1, 1)


@pytest.mark.parametrize(
    ("geodesic_km", "speed_kmh"),
    [(10.0, 35.0), (15.0, 35.0), (50.0, 60.0), (76.0, 60.0), (100.0, 80.0), (400.0, 80.0)],
)
def test_road_distance_and_band_speed(geodesic_km: float, speed_kmh: float) -> None:
    target = _east_of(DEPOT, geodesic_km * 1000.0)
    result = GeodesicTravelModel().matrix([DEPOT], [target])
    road_m = geodesic_km * 1000.0 * 1.3
    assert result.meters[0, 0] == round(road_m)
    assert result.seconds[0, 0] == pytest.approx(road_m / (speed_kmh / 3.6), abs=1)
    assert result.reachable.all()


def test_band_switches_at_its_limit() -> None:
    model = GeodesicTravelModel(detour_factor=1.0)
    result = model.matrix([DEPOT], [_east_of(DEPOT, 19_999.9), _east_of(DEPOT, 20_000.1)])
    assert result.seconds[0, 0] == round(19_999.9 / (35.0 / 3.6))
    assert result.seconds[0, 1] == round(20_000.1 / (60.0 / 3.6))


def test_the_band_applies_to_the_whole_leg_so_time_jumps_at_band_edges() -> None:
    # Documented consequence of whole-leg bands: 21 km of road is quicker than 19 km.
    model = GeodesicTravelModel(detour_factor=1.0)
    near, far = _east_of(DEPOT, 19_000.0), _east_of(DEPOT, 21_000.0)
    result = model.matrix([DEPOT], [near, far])
    assert result.seconds[0, 1] < result.seconds[0, 0]


def test_matrix_is_integer_read_only_and_zero_on_the_diagonal() -> None:
    points = [DEPOT, _east_of(DEPOT, 5_000.0), _east_of(DEPOT, 150_000.0)]
    result = GeodesicTravelModel().matrix(points, points)
    assert result.meters.dtype == np.int64
    assert result.seconds.dtype == np.int64
    assert result.reachable.dtype == np.bool_
    assert np.all(np.diag(result.meters) == 0)
    assert np.array_equal(result.meters, result.meters.T)
    with pytest.raises(ValueError, match="read-only"):
        result.meters[0, 1] = 1


def test_rows_are_origins_and_columns_destinations() -> None:
    a, b, c = DEPOT, _east_of(DEPOT, 30_000.0), LonLat(116.4, 39.9)
    result = GeodesicTravelModel().matrix([a, b], [c])
    assert result.shape == (2, 1)
    assert result.meters[1, 0] == round(geodesic_m(b, c) * 1.3)


def test_empty_inputs_give_empty_matrices() -> None:
    assert GeodesicTravelModel().matrix([], [DEPOT]).shape == (0, 1)
    assert GeodesicTravelModel().matrix([DEPOT], []).shape == (1, 0)


def test_custom_bands() -> None:
    walking = GeodesicTravelModel(detour_factor=1.0, bands=(SpeedBand(math.inf, 3.6),))
    result = walking.matrix([DEPOT], [_east_of(DEPOT, 1_000.0)])
    assert result.seconds[0, 0] == 1_000


@pytest.mark.parametrize(
    ("detour", "bands", "message"),
    [
        (0.9, DEFAULT_BANDS, "detour_factor"),
        (math.nan, DEFAULT_BANDS, "detour_factor"),
        (1.3, (), "non-empty"),
        (1.3, (SpeedBand(20_000.0, 35.0),), "math.inf"),
        (1.3, (SpeedBand(50.0, 35.0), SpeedBand(10.0, 60.0), SpeedBand(math.inf, 80)), "increase"),
        (1.3, (SpeedBand(math.inf, 0.0),), "positive"),
    ],
)
def test_rejects_bad_configuration(detour: float, bands: tuple[SpeedBand, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        GeodesicTravelModel(detour_factor=detour, bands=bands)


def test_travel_matrix_rejects_mismatched_shapes() -> None:
    with pytest.raises(ValueError, match="shape"):
        TravelMatrix(
            meters=np.zeros((2, 2), dtype=np.int64),
            seconds=np.zeros((2, 3), dtype=np.int64),
            reachable=np.ones((2, 2), dtype=np.bool_),
        )
