"""Plausibility flags for positions.

An implausible fix is *kept* (it is evidence of what the device reported) but flagged, and a
flagged fix is not used for ETA (R-DI-9: the customer is told a believable arrival time) nor
for geofence arrival. Two flags:

- ``jump``: the speed implied by the geodesic distance from the previous fix over the time
  between them exceeds a limit (a GPS jump, or a spoofed position);
- ``inaccurate``: the reported accuracy radius is worse than a limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from dispatch.positions.fix import PositionFix
from geo.geodesic import geodesic_between_m

DEFAULT_MAX_SPEED_KMH = 200.0
"""Faster than any service vehicle on a Chinese expressway (limit 120 km/h) with margin."""

DEFAULT_MAX_ACCURACY_M = 100.0
"""Worse than this, a fix cannot tell the site (150 m geofence) from the road past it."""

_MIN_INTERVAL_S = 1.0  # two fixes within a second are compared as one second apart


class FixFlag(StrEnum):
    """Why a stored fix is not trusted for ETA or arrival."""

    JUMP = "jump"
    INACCURATE = "inaccurate"


def implied_speed_kmh(previous: PositionFix, fix: PositionFix) -> float:
    """Geodesic distance between the two fixes over the time between them, in km/h.

    Fixes may arrive out of order (offline buffers), so the time difference is absolute; it
    is floored at one second so that two different places at the same instant count as fast.
    """
    seconds = abs((fix.fix_time - previous.fix_time).total_seconds())
    metres = geodesic_between_m(previous.lon, previous.lat, fix.lon, fix.lat)
    return metres / max(seconds, _MIN_INTERVAL_S) * 3.6


def flag_fix(
    previous: PositionFix | None,
    fix: PositionFix,
    *,
    max_speed_kmh: float = DEFAULT_MAX_SPEED_KMH,
    max_accuracy_m: float = DEFAULT_MAX_ACCURACY_M,
) -> list[FixFlag]:
    """The flags of ``fix``; empty when it is plausible.

    ``previous`` should be the device's latest *unflagged* fix (or ``None`` for the first):
    comparing against a jump would flag the return to the true position too. A fix without
    an accuracy value is not flagged ``inaccurate`` (nothing says it is).
    """
    flags: list[FixFlag] = []
    if previous is not None and implied_speed_kmh(previous, fix) > max_speed_kmh:
        flags.append(FixFlag.JUMP)
    if fix.accuracy_m is not None and fix.accuracy_m > max_accuracy_m:
        flags.append(FixFlag.INACCURATE)
    return flags


def usable_for_eta(flags: Iterable[FixFlag]) -> bool:
    """Only unflagged fixes feed ETA and geofence arrival."""
    return not any(True for _ in flags)
