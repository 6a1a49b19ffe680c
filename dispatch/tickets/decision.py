"""The dispatch decision: who goes, and by when. A pure function of its inputs (easy to replay).

R-DI-1: a site within the policy's direct radius of the plant gets the plant's own engineers;
beyond it, the nearest outlet whose coverage includes the site. R-DI-2 … R-DI-5: the arrival
deadline comes from the tier of the plant-to-site distance, measured on the WGS-84 ellipsoid
(the 500 km boundary is a promise to a customer; a sphere is off by kilometres there).
R-IN-3: extra-urgent and urgent calls get a response (planning) deadline.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dispatch.tickets.intake import DispatchMode, Urgency
from dispatch.tickets.policy import DispatchPolicy, Tier
from geo.coordinates import LonLat
from geo.geodesic import geodesic_m, geodesic_many_m


@dataclass(frozen=True, slots=True)
class OutletCandidate:
    """An active outlet whose radius or area covers the site (the repository filters)."""

    id: uuid.UUID
    name: str
    location: LonLat


@dataclass(frozen=True, slots=True)
class DecisionInput:
    plant_id: uuid.UUID
    plant_location: LonLat
    site: LonLat
    reported_at: datetime
    urgency: Urgency
    timezone: ZoneInfo
    distance_km: float | None = None
    """Plant-to-site distance when the caller has measured it already (see ``distance_km``)."""


@dataclass(frozen=True, slots=True)
class ChosenOutlet:
    id: uuid.UUID
    name: str
    distance_km: float


@dataclass(frozen=True, slots=True)
class Decision:
    mode: DispatchMode
    distance_km: float
    arrival_deadline: datetime | None
    response_deadline: datetime | None
    outlet: ChosenOutlet | None
    policy_name: str
    policy_version: int
    tier: Tier
    explanation: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def needs_deadline(self) -> bool:
        """A declared gap in the policy: a dispatcher must set the deadline by hand (R-DI-3)."""
        return self.tier.gap


def distance_km(a: LonLat, b: LonLat) -> float:
    """Ellipsoidal distance rounded to the metre, so 500.000 km compares as exactly 500."""
    return round(geodesic_m(a, b) / 1000.0, 3)


def needs_outlet(policy: DispatchPolicy, distance: float) -> bool:
    """Whether the service must look for outlets at all (saves a query for near sites)."""
    return not policy.is_direct(distance)


def nearest_outlet(site: LonLat, candidates: Sequence[OutletCandidate]) -> ChosenOutlet | None:
    """Exact geodesic re-rank of the candidates (the database ranks them on a sphere)."""
    if not candidates:
        return None
    distances = geodesic_many_m(
        site, [c.location.lon for c in candidates], [c.location.lat for c in candidates]
    )
    best = min(range(len(candidates)), key=lambda i: (distances[i], candidates[i].id.int))
    chosen = candidates[best]
    return ChosenOutlet(id=chosen.id, name=chosen.name, distance_km=round(distances[best] / 1000, 3))


def _deadline(start: datetime, tz: ZoneInfo, hours: float | None) -> datetime | None:
    return None if hours is None else (start + timedelta(hours=hours)).astimezone(tz)


def decide(policy: DispatchPolicy, request: DecisionInput, candidates: Sequence[OutletCandidate]) -> Decision:
    """Apply ``policy`` to one repair call. ``candidates`` only matter beyond the direct radius."""
    distance = request.distance_km
    if distance is None:
        distance = distance_km(request.plant_location, request.site)
    tier = policy.tier_for(distance)
    rules = ", ".join(policy.rules)
    explanation = [
        f"Plant to site: {distance:.3f} km on the WGS-84 ellipsoid.",
        f"Policy {policy.name} v{policy.version} ({rules}): tier {tier.describe()}.",
    ]
    warnings: list[str] = []

    mode, outlet = DispatchMode.DIRECT, None
    if policy.is_direct(distance):
        radius = "any distance" if policy.direct_radius_km is None else f"{policy.direct_radius_km:g} km"
        explanation.append(f"Within {radius} of the plant: the plant's own engineers go (R-DI-1).")
    else:
        outlet = nearest_outlet(request.site, candidates)
        if outlet is None:
            warnings.append(
                f"No active outlet covers this site beyond {policy.direct_radius_km:g} km: "
                "the plant's own engineers go. Add or extend an outlet near the site."
            )
            explanation.append("No outlet can serve the site: direct service (R-DI-1 fallback).")
        else:
            mode = DispatchMode.OUTLET
            explanation.append(
                f"Beyond {policy.direct_radius_km:g} km: nearest outlet that can serve is "
                f"{outlet.name}, {outlet.distance_km:.3f} km from the site (R-DI-1)."
            )

    arrival = _deadline(request.reported_at, request.timezone, tier.arrival_hours)
    if tier.gap:
        note = f" ({tier.note})" if tier.note else ""
        warnings.append(
            f"Policy {policy.name} sets no arrival deadline for {tier.describe()}{note}: "
            "a dispatcher must set one."
        )
    elif tier.appointment:
        explanation.append("No fixed arrival deadline: reply with an appointment (R-DI-4).")
    else:
        explanation.append(
            f"On site within {tier.arrival_hours:g} h of the report: {arrival:%Y-%m-%d %H:%M %z}."
        )

    minutes = policy.response_for(request.urgency, tier)
    response = _deadline(request.reported_at, request.timezone, None if minutes is None else minutes / 60)
    if response is not None:
        explanation.append(f"Respond within {minutes} min ({request.urgency.value}; R-IN-3).")

    return Decision(
        mode=mode,
        distance_km=distance,
        arrival_deadline=arrival,
        response_deadline=response,
        outlet=outlet,
        policy_name=policy.name,
        policy_version=policy.version,
        tier=tier,
        explanation=tuple(explanation),
        warnings=tuple(warnings),
    )
