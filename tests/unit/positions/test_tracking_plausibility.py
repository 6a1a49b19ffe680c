"""Plausibility flags and geofence arrival (R-DI-2, R-DI-9)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dispatch.positions import (
    DEFAULT_ARRIVAL_RADIUS_M,
    FixFlag,
    PositionFix,
    arrived,
    distance_to_site_m,
    flag_fix,
    implied_speed_kmh,
    usable_for_eta,
)
from geo.coordinates import LonLat
from geo.geodesic import WGS84_GEOD

T0 = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
SITE = LonLat(114.3055, 30.5928)


def _at(
    distance_m: float, azimuth: float = 0.0, *, seconds: float = 0, acc: float | None = None
) -> PositionFix:
    """A fix ``distance_m`` from the site along ``azimuth``, ``seconds`` after T0."""
    lon, lat, _ = WGS84_GEOD.fwd(SITE.lon, SITE.lat, azimuth, distance_m)
    return PositionFix(lon=lon, lat=lat, fix_time=T0 + timedelta(seconds=seconds), accuracy_m=acc)


def test_first_plausible_fix_has_no_flags_r_di_9() -> None:
    assert flag_fix(None, _at(0, acc=10)) == []
    assert usable_for_eta([])


def test_normal_driving_is_not_a_jump_r_di_9() -> None:
    previous, fix = _at(0), _at(1000, seconds=60)  # 60 km/h
    assert implied_speed_kmh(previous, fix) == pytest.approx(60.0, rel=1e-6)
    assert flag_fix(previous, fix) == []


def test_jump_over_the_speed_limit_is_flagged_but_kept_r_di_9() -> None:
    previous, fix = _at(0), _at(10_000, seconds=60)  # 600 km/h
    flags = flag_fix(previous, fix)
    assert flags == [FixFlag.JUMP]
    assert not usable_for_eta(flags)


def test_speed_limit_is_configurable_r_di_9() -> None:
    previous, fix = _at(0), _at(1000, seconds=60)
    assert flag_fix(previous, fix, max_speed_kmh=50) == [FixFlag.JUMP]


def test_out_of_order_and_same_instant_fixes() -> None:
    """Offline buffers arrive out of order; the same instant at two places is a jump."""
    assert flag_fix(_at(1000, seconds=60), _at(0)) == []
    assert flag_fix(_at(0), _at(500)) == [FixFlag.JUMP]
    assert flag_fix(_at(0), _at(0)) == []


def test_inaccurate_fix_is_flagged_r_di_9() -> None:
    assert flag_fix(None, _at(0, acc=250)) == [FixFlag.INACCURATE]
    assert flag_fix(None, _at(0, acc=250), max_accuracy_m=300) == []
    assert flag_fix(None, _at(0, acc=None)) == []  # unknown accuracy is not "inaccurate"


def test_both_flags() -> None:
    flags = flag_fix(_at(0), _at(10_000, seconds=10, acc=500))
    assert flags == [FixFlag.JUMP, FixFlag.INACCURATE]


@pytest.mark.parametrize(
    ("distance_m", "inside"),
    [(0, True), (100, True), (149.5, True), (150.5, False), (2_000, False)],
)
def test_geofence_arrival_default_radius_150_m_r_di_2(distance_m: float, inside: bool) -> None:
    assert DEFAULT_ARRIVAL_RADIUS_M == 150.0
    fix = _at(distance_m, azimuth=37.0)
    assert distance_to_site_m(fix, SITE) == pytest.approx(distance_m, abs=1e-6)
    assert arrived(fix, SITE) is inside


def test_geofence_radius_is_configurable_r_di_2() -> None:
    assert arrived(_at(300), SITE, radius_m=500)
    with pytest.raises(ValueError, match="positive"):
        arrived(_at(0), SITE, radius_m=0)
