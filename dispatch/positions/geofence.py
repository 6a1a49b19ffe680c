"""Geofence arrival (the SLA arrival time of R-DI-2).

A position within ``radius_m`` of the site, measured on the WGS-84 ellipsoid, while the job
is ``en_route`` marks arrival unless the engineer already did. This module only answers
"is this fix at the site"; the service checks the state and sends the ``arrive`` event as
the system actor, with the fix time as the device time.
"""

from __future__ import annotations

from dispatch.positions.fix import PositionFix
from geo.coordinates import LonLat
from geo.geodesic import geodesic_m

DEFAULT_ARRIVAL_RADIUS_M = 150.0
"""Configurable (``AFTERSALES_GEOFENCE_RADIUS_M``), 150 m by default."""


def distance_to_site_m(fix: PositionFix, site: LonLat) -> float:
    """Geodesic distance in metres from the fix to the site."""
    return geodesic_m(fix.point, site)


def arrived(fix: PositionFix, site: LonLat, radius_m: float = DEFAULT_ARRIVAL_RADIUS_M) -> bool:
    """True when ``fix`` lies within ``radius_m`` (inclusive) of ``site``.

    Callers pass only fixes that are ``usable_for_eta`` (not flagged): an inaccurate or
    jumping fix must not close an SLA clock.
    """
    if radius_m <= 0:
        raise ValueError(f"radius_m must be positive, got {radius_m}")
    return distance_to_site_m(fix, site) <= radius_m
