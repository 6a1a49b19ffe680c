"""The pure decision: who goes and by when (R-DI-1 … R-DI-5, R-IN-3), at the tier boundaries."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pyproj import Geod

from dispatch.tickets.decision import DecisionInput, OutletCandidate, decide, distance_km
from dispatch.tickets.intake import DispatchMode, Urgency
from dispatch.tickets.policy import DispatchPolicyRegistry
from geo.coordinates import LonLat

GEOD = Geod(ellps="WGS84")
YANTAI = LonLat(121.447, 37.464)
SHANGHAI_TZ = ZoneInfo("Asia/Shanghai")
REPORTED = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
POLICIES = DispatchPolicyRegistry.load()


def site_at(km: float, azimuth: float = 240.0, origin: LonLat = YANTAI) -> LonLat:
    """A point exactly ``km`` from ``origin`` along a geodesic (ellipsoidal, not spherical)."""
    lon, lat, _ = GEOD.fwd(origin.lon, origin.lat, azimuth, km * 1000.0)
    return LonLat(lon, lat)


def request(site: LonLat, urgency: Urgency = Urgency.NORMAL) -> DecisionInput:
    return DecisionInput(
        plant_id=uuid.uuid4(),
        plant_location=YANTAI,
        site=site,
        reported_at=REPORTED,
        urgency=urgency,
        timezone=SHANGHAI_TZ,
    )


def outlet_near(site: LonLat, km: float, name: str = "outlet") -> OutletCandidate:
    return OutletCandidate(uuid.uuid4(), name, site_at(km, azimuth=10.0, origin=site))


@pytest.mark.parametrize(
    ("km", "mode", "hours"),
    [
        (0.0, DispatchMode.DIRECT, 24),
        (499.7, DispatchMode.DIRECT, 24),
        (500.0, DispatchMode.DIRECT, 24),  # exactly 500.000 km is "within 500 km"
        (500.3, DispatchMode.OUTLET, 48),
        (999.7, DispatchMode.OUTLET, 48),
        (1000.0, DispatchMode.OUTLET, 48),  # R-DI-2: 500-1000 km inclusive
        (1000.3, DispatchMode.OUTLET, 72),
        (2500.0, DispatchMode.OUTLET, 72),
    ],
)
def test_r_di_1_r_di_2_boundaries(km: float, mode: DispatchMode, hours: int) -> None:
    site = site_at(km)
    decision = decide(POLICIES.get("vehicle-500km"), request(site), [outlet_near(site, 30)])
    assert decision.distance_km == pytest.approx(km, abs=0.0011)
    assert decision.mode is mode
    assert decision.arrival_deadline == REPORTED + timedelta(hours=hours)
    assert decision.arrival_deadline is not None
    assert decision.arrival_deadline.utcoffset() == timedelta(hours=8)  # the plant's zone
    assert (decision.outlet is None) == (mode is DispatchMode.DIRECT)


def test_ellipsoid_not_sphere_decides_the_boundary() -> None:
    """Due north of the plant, a site 499.7 km away on the ellipsoid reads over 500 km on a
    sphere: the tier (and the customer's promise) must follow the ellipsoid."""
    site = site_at(499.7, azimuth=0.0)
    radius = 6371.0088
    lat1, lat2 = math.radians(YANTAI.lat), math.radians(site.lat)
    dlat, dlon = lat2 - lat1, math.radians(site.lon - YANTAI.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    sphere_km = 2 * radius * math.asin(math.sqrt(h))
    assert sphere_km > 500.0  # a sphere would wrongly send an outlet with 48 h
    assert distance_km(YANTAI, site) < 500.0
    decision = decide(POLICIES.get("vehicle-500km"), request(site), [])
    assert decision.tier.arrival_hours == 24
    assert decision.mode is DispatchMode.DIRECT


def test_r_di_1_nearest_outlet_is_reranked_on_the_ellipsoid() -> None:
    site = site_at(800)
    far, near = outlet_near(site, 120, "far"), outlet_near(site, 40, "near")
    decision = decide(POLICIES.get("vehicle-500km"), request(site), [far, near])
    assert decision.outlet is not None
    assert decision.outlet.name == "near"
    assert decision.outlet.distance_km == pytest.approx(40, abs=0.01)
    assert any("R-DI-1" in line for line in decision.explanation)


def test_r_di_1_no_outlet_beyond_radius_falls_back_to_direct_with_warning() -> None:
    decision = decide(POLICIES.get("vehicle-500km"), request(site_at(700)), [])
    assert decision.mode is DispatchMode.DIRECT
    assert decision.outlet is None
    assert decision.warnings and "No active outlet" in decision.warnings[0]
    assert decision.arrival_deadline == REPORTED + timedelta(hours=48)


def test_r_di_3_gap_gives_no_deadline_and_a_warning() -> None:
    decision = decide(POLICIES.get("military-300km"), request(site_at(1200)), [])
    assert decision.arrival_deadline is None
    assert decision.needs_deadline
    assert any("dispatcher must set one" in w for w in decision.warnings)


@pytest.mark.parametrize(("km", "hours"), [(299.9, 24), (300.0, 24), (300.1, 48), (1000.0, 48), (1500.1, 72)])
def test_r_di_3_military_tiers(km: float, hours: int) -> None:
    decision = decide(POLICIES.get("military-300km"), request(site_at(km)), [])
    assert decision.arrival_deadline == REPORTED + timedelta(hours=hours)


def test_r_di_4_environment_preset() -> None:
    policy = POLICIES.get("environment-100km")
    near = decide(policy, request(site_at(99.9)), [])
    assert near.arrival_deadline == REPORTED + timedelta(hours=4)
    assert near.response_deadline == REPORTED + timedelta(minutes=30)
    far = decide(policy, request(site_at(150)), [])
    assert far.arrival_deadline is None and not far.needs_deadline
    assert any("appointment" in line for line in far.explanation)


def test_r_di_5_equipment_preset_always_direct() -> None:
    decision = decide(POLICIES.get("equipment-1h"), request(site_at(1800)), [outlet_near(site_at(1800), 5)])
    assert decision.mode is DispatchMode.DIRECT
    assert decision.arrival_deadline == REPORTED + timedelta(hours=10)
    assert decision.response_deadline == REPORTED + timedelta(hours=1)


@pytest.mark.parametrize(
    ("urgency", "minutes"), [(Urgency.EXTRA_URGENT, 30), (Urgency.URGENT, 30), (Urgency.NORMAL, None)]
)
def test_r_in_3_urgent_calls_get_a_half_hour_response(urgency: Urgency, minutes: int | None) -> None:
    decision = decide(POLICIES.get("vehicle-500km"), request(site_at(100), urgency), [])
    expected = None if minutes is None else REPORTED + timedelta(minutes=minutes)
    assert decision.response_deadline == expected


def test_decision_is_a_pure_function() -> None:
    site = site_at(640)
    candidates = [outlet_near(site, 25), outlet_near(site, 60)]
    policy = POLICIES.get("vehicle-500km")
    assert decide(policy, request(site), candidates) == decide(policy, request(site), candidates)
