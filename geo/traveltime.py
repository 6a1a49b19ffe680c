"""Travel-time models: how far and how long by road between sets of points.

The route optimizer and the ETA code depend only on the ``TravelModel`` protocol. Two
implementations:

* ``GeodesicTravelModel`` — no network, deterministic, good enough for planning: ellipsoid
  distance × a detour factor, at a speed chosen by distance band.
* ``OsrmTableModel`` — an adapter for an OSRM server's table service (real roads).

Both return integer metres and seconds, because the OR-Tools routing model takes integer
matrices.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import numpy as np
import numpy.typing as npt

from geo.coordinates import LonLat
from geo.errors import TravelTimeUnavailable
from geo.geodesic import matrix_m

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

# Metres and seconds stored for an unreachable pair: large enough that no route uses it,
# small enough that OR-Tools can add a few of them without overflowing int64.
UNREACHABLE = 1_000_000_000


@dataclass(frozen=True, slots=True, eq=False)
class TravelMatrix:
    """Road distances (m) and durations (s) from each origin (row) to each destination.

    ``reachable[i, j]`` is False when no road connects the pair; the corresponding metres and
    seconds then hold ``UNREACHABLE``. The arrays are made read-only.
    """

    meters: IntArray
    seconds: IntArray
    reachable: BoolArray

    def __post_init__(self) -> None:
        """Check the three arrays agree in shape and freeze them."""
        shapes = {self.meters.shape, self.seconds.shape, self.reachable.shape}
        if len(shapes) != 1 or self.meters.ndim != 2:
            raise ValueError(f"travel matrix arrays must share one 2-D shape, got {shapes}")
        for array in (self.meters, self.seconds, self.reachable):
            array.setflags(write=False)

    @property
    def shape(self) -> tuple[int, int]:
        """``(len(origins), len(destinations))``."""
        rows, cols = self.meters.shape
        return rows, cols


class TravelModel(Protocol):
    """Anything that can produce a travel matrix between two lists of points."""

    def matrix(self, origins: Sequence[LonLat], destinations: Sequence[LonLat]) -> TravelMatrix:
        """Road metres and seconds from every origin to every destination."""
        ...


@dataclass(frozen=True, slots=True)
class SpeedBand:
    """Legs whose road distance is at most ``max_road_m`` are driven at ``speed_kmh``."""

    max_road_m: float
    speed_kmh: float


URBAN_SPEED_KMH = 35.0
"""Legs up to 20 km stay in town or on county roads: traffic lights, congestion, parking."""
REGIONAL_SPEED_KMH = 60.0
"""Legs of 20–100 km mix ring roads, national roads and some expressway."""
EXPRESSWAY_SPEED_KMH = 80.0
"""Legs over 100 km are mostly expressway (limit 120) with toll gates, service stops and town
ends at both sides: 80 km/h is the usual door-to-door average."""

DEFAULT_BANDS: tuple[SpeedBand, ...] = (
    SpeedBand(20_000.0, URBAN_SPEED_KMH),
    SpeedBand(100_000.0, REGIONAL_SPEED_KMH),
    SpeedBand(math.inf, EXPRESSWAY_SPEED_KMH),
)

DEFAULT_DETOUR_FACTOR = 1.3
"""Road distance / ellipsoid distance; 1.2–1.4 is the usual range for road networks."""


class GeodesicTravelModel:
    """Road distance = geodesic × detour factor; speed from the band of the whole leg.

    The band is chosen by the leg's road distance and applies to the whole leg (a 150 km leg
    is driven entirely at the expressway average). Consequence worth knowing: time is not
    monotonic at band edges (20 km at 35 km/h takes longer than 21 km at 60 km/h); the
    triangle inequality still holds because band speeds increase with distance.
    """

    def __init__(
        self,
        detour_factor: float = DEFAULT_DETOUR_FACTOR,
        bands: tuple[SpeedBand, ...] = DEFAULT_BANDS,
    ) -> None:
        if not detour_factor >= 1.0:
            raise ValueError(f"detour_factor must be >= 1, got {detour_factor}")
        _check_bands(bands)
        self.detour_factor = detour_factor
        self.bands = bands

    def matrix(self, origins: Sequence[LonLat], destinations: Sequence[LonLat]) -> TravelMatrix:
        """Estimated road metres and seconds; every pair is reachable."""
        road_m = matrix_m(origins, destinations) * self.detour_factor
        seconds = road_m / self._speeds_mps(road_m)
        return TravelMatrix(
            meters=np.rint(road_m).astype(np.int64),
            seconds=np.rint(seconds).astype(np.int64),
            reachable=np.ones(road_m.shape, dtype=np.bool_),
        )

    def _speeds_mps(self, road_m: FloatArray) -> FloatArray:
        """The band speed in m/s for each road distance."""
        limits = np.array([b.max_road_m for b in self.bands], dtype=np.float64)
        speeds = np.array([b.speed_kmh / 3.6 for b in self.bands], dtype=np.float64)
        index = np.searchsorted(limits, road_m, side="left")
        return speeds[np.minimum(index, len(speeds) - 1)]


def _check_bands(bands: tuple[SpeedBand, ...]) -> None:
    """Bands must be non-empty, strictly increasing, end at infinity, with positive speeds."""
    if not bands or not math.isinf(bands[-1].max_road_m):
        raise ValueError("speed bands must be non-empty and the last must reach math.inf")
    limits = [b.max_road_m for b in bands]
    if any(a >= b for a, b in itertools.pairwise(limits)):
        raise ValueError(f"speed band limits must increase strictly, got {limits}")
    if any(not b.speed_kmh > 0 for b in bands):
        raise ValueError("speed band speeds must be positive")


@dataclass(frozen=True, slots=True)
class OsrmTableModel:
    """Adapter for OSRM's table service: ``GET /table/v1/{profile}/{lon,lat;...}``.

    One request per matrix: origins are sent first, then destinations, selected with the
    ``sources``/``destinations`` parameters. ``null`` cells (no route) become unreachable.
    OSRM's ``--max-table-size`` (default 100 coordinates) bounds what one call may ask.
    Pass a shared ``httpx.Client`` to reuse connections; otherwise one is opened per call.
    """

    base_url: str
    client: httpx.Client | None = None
    profile: str = "driving"
    timeout_s: float = 10.0
    max_snap_m: float = 1_000.0
    """A point OSRM snapped farther than this from any road it knows (outside the loaded
    extract, or on an island) gets an unreachable row/column instead of a bogus route."""

    def matrix(self, origins: Sequence[LonLat], destinations: Sequence[LonLat]) -> TravelMatrix:
        """Ask OSRM for road metres and seconds; raise ``TravelTimeUnavailable`` on failure."""
        if not origins or not destinations:
            return _empty(len(origins), len(destinations))
        body = self._fetch(self._url(origins, destinations))
        return _parse_table(body, len(origins), len(destinations), self.max_snap_m)

    def _url(self, origins: Sequence[LonLat], destinations: Sequence[LonLat]) -> str:
        """The table request URL with sources and destinations selected by index."""
        coords = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in (*origins, *destinations))
        n, m = len(origins), len(destinations)
        sources = ";".join(str(i) for i in range(n))
        targets = ";".join(str(n + j) for j in range(m))
        return (
            f"{self.base_url.rstrip('/')}/table/v1/{self.profile}/{coords}"
            f"?sources={sources}&destinations={targets}&annotations=duration,distance"
        )

    def _fetch(self, url: str) -> Any:
        """GET ``url`` and decode the JSON body, turning transport failures into ours."""
        try:
            if self.client is not None:
                response = self.client.get(url, timeout=self.timeout_s)
            else:
                with httpx.Client(timeout=self.timeout_s) as client:
                    response = client.get(url)
            return response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise TravelTimeUnavailable(f"OSRM table request failed: {exc}") from exc


def _parse_table(body: Any, n: int, m: int, max_snap_m: float) -> TravelMatrix:
    """Map an OSRM table response to a ``TravelMatrix``.

    A cell is unreachable when OSRM gives ``null`` for it, or when its source or destination
    was snapped more than ``max_snap_m`` away from the requested position.
    """
    if not isinstance(body, dict) or body.get("code") != "Ok":
        code = body.get("code") if isinstance(body, dict) else None
        message = body.get("message") if isinstance(body, dict) else None
        raise TravelTimeUnavailable(f"OSRM table answered {code!r}: {message!r}")
    durations = _cells(body, "durations", n, m)
    distances = _cells(body, "distances", n, m)
    snapped_rows = _snapped(body.get("sources"), n, max_snap_m)
    snapped_cols = _snapped(body.get("destinations"), m, max_snap_m)
    reachable = ~(np.isnan(durations) | np.isnan(distances))
    reachable &= snapped_rows[:, np.newaxis] & snapped_cols[np.newaxis, :]
    return TravelMatrix(
        meters=_to_int(distances, reachable),
        seconds=_to_int(durations, reachable),
        reachable=reachable,
    )


def _cells(body: dict[str, Any], key: str, n: int, m: int) -> FloatArray:
    """One n × m annotation as floats, ``null`` as NaN."""
    rows = body.get(key)
    try:
        array = np.array(rows, dtype=np.float64)  # None -> nan
    except (TypeError, ValueError) as exc:
        raise TravelTimeUnavailable(f"OSRM table {key!r} is malformed") from exc
    if array.shape != (n, m):
        raise TravelTimeUnavailable(f"OSRM table {key!r} has shape {array.shape}, not {(n, m)}")
    return array


def _snapped(waypoints: Any, count: int, max_snap_m: float) -> BoolArray:
    """Per waypoint: did OSRM find a road within ``max_snap_m``? Missing data counts as yes."""
    ok = np.ones(count, dtype=np.bool_)
    if not isinstance(waypoints, list) or len(waypoints) != count:
        return ok
    for i, waypoint in enumerate(waypoints):
        distance = waypoint.get("distance") if isinstance(waypoint, dict) else None
        if isinstance(distance, int | float) and distance > max_snap_m:
            ok[i] = False
    return ok


def _to_int(values: FloatArray, reachable: BoolArray) -> IntArray:
    """Round reachable cells to integers and fill the others with ``UNREACHABLE``."""
    return np.where(reachable, np.rint(np.nan_to_num(values)), UNREACHABLE).astype(np.int64)


def _empty(n: int, m: int) -> TravelMatrix:
    """A matrix with no rows or no columns."""
    return TravelMatrix(
        meters=np.zeros((n, m), dtype=np.int64),
        seconds=np.zeros((n, m), dtype=np.int64),
        reachable=np.ones((n, m), dtype=np.bool_),
    )
