"""Frozen inputs and outputs of the route optimiser.

Modelling choices (the *why* behind the fields):

* **Time** is an integer number of seconds from a plan epoch (e.g. 00:00 local time of the
  plan's first day); **distance** is integer metres. The pure VRPTW mode reuses the same
  integers for tenths of a distance unit (DIMACS convention), so nothing here assumes a unit.
* **Locations** are row/column indices into a travel matrix given as input
  (``RoutingMatrix(meters, seconds, reachable)``, the same shape as ``geo.traveltime``'s object,
  which can be passed as is). Unreachable pairs are never driven.
* **Shifts and nights.** Each vehicle (an engineer) has one shift per working day. Outside its
  shifts it neither drives nor serves: it waits wherever it is, which is how an overnight stay
  away from base is modelled. A multi-day trip (a site 900 km away) is driven in pieces over
  consecutive shifts. A shift may run into *overtime* up to ``overtime_max_s`` past its end; the
  overtime is reported per route; the solver costs overtime at the end of the route's last shift
  (``overtime_weight`` objective units per second, 1 = same as a second of driving) and bounds it
  on the other days by the allowance (OR-Tools has no per-day cumul cost that would tell days
  apart without knowing the route).
* **Breaks.** A shift may carry a break rule: a break of fixed duration starting inside a window
  (12:00–13:00 with 60 min means exactly 12:00; 11:30–13:30 with 60 min floats). No driving or
  service happens during a break; the break may fall while the engineer waits on site.
* **Visits** start service inside one of their time windows (customer availability) and the
  engineer must *arrive* on site no later than the promised ``deadline_s``. Both are hard: a visit
  that cannot meet them is left unassigned with a reason, never planned late. Service does not
  pause: it fits inside one shift and outside the break.
* **Skills and parts.** A visit is eligible for a vehicle that has all its skills and, when it
  needs a part, carries that part. (The warehouse route for parts is out of scope here.)
* **Driving per shift** is capped by ``max_drive_per_shift_s``: when the cap is reached the
  engineer waits for the next shift.
* **Priority** scales the penalty for leaving a visit unassigned, so an urgent visit is served
  before a routine one when not all can be. ``pinned_vehicle`` keeps a visit on its engineer
  (started or en-route work during re-planning).
* **Routes** start at the vehicle's start location (last GPS fix or base) no earlier than its
  first shift and end at ``end`` (its base) or, when ``end`` is None, wherever the last visit is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import numpy.typing as npt

from dispatch.planning.routing.errors import InvalidRoutingInput

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Largest horizon and time limit we accept: beyond these a request is a mistake, not a plan.
MAX_HORIZON_S = 31 * 86_400
MAX_TIME_LIMIT_S = 3_600.0
MAX_WORKERS = 64
"""Upper bound on ``SolveParams.workers`` (processes for our own search)."""

UnassignedReason = Literal["no_skill", "deadline_unreachable", "capacity", "unreachable"]


class MatrixLike(Protocol):
    """Anything with the three arrays of ``geo.traveltime.RoutingMatrix``."""

    @property
    def meters(self) -> IntArray: ...
    @property
    def seconds(self) -> IntArray: ...
    @property
    def reachable(self) -> BoolArray: ...


@dataclass(frozen=True, slots=True, eq=False)
class RoutingMatrix:
    """Distances and durations between locations; ``reachable[i, j]`` False = no road."""

    meters: IntArray
    seconds: IntArray
    reachable: BoolArray

    @classmethod
    def of(cls, other: MatrixLike) -> RoutingMatrix:
        """Copy any matrix-like object (e.g. ``geo.traveltime.RoutingMatrix``)."""
        return cls(
            np.asarray(other.meters, dtype=np.int64),
            np.asarray(other.seconds, dtype=np.int64),
            np.asarray(other.reachable, dtype=np.bool_),
        )

    def __post_init__(self) -> None:
        """Check shapes, types and signs once so every consumer can trust the arrays."""
        arrays = (self.meters, self.seconds, self.reachable)
        shapes = {a.shape for a in arrays}
        if len(shapes) != 1 or self.meters.ndim != 2 or self.meters.shape[0] != self.meters.shape[1]:
            raise InvalidRoutingInput("matrix", f"arrays must share one square shape, got {shapes}")
        if self.reachable.dtype != np.bool_:
            raise InvalidRoutingInput("matrix.reachable", "must be a boolean array")
        for name, a in (("matrix.meters", self.meters), ("matrix.seconds", self.seconds)):
            if not np.issubdtype(a.dtype, np.integer):
                raise InvalidRoutingInput(name, "must be an integer array")
            if a.size and int(a[self.reachable].min(initial=0)) < 0:
                raise InvalidRoutingInput(name, "must not be negative")

    @property
    def size(self) -> int:
        """Number of locations."""
        return int(self.meters.shape[0])


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """Service may start at any second in ``[start_s, end_s]``."""

    start_s: int
    end_s: int


@dataclass(frozen=True, slots=True)
class BreakRule:
    """A break of ``duration_s`` that starts no earlier than ``earliest_start_s`` and ends by
    ``latest_end_s``."""

    earliest_start_s: int
    latest_end_s: int
    duration_s: int

    @property
    def latest_start_s(self) -> int:
        """Last second at which the break can start."""
        return self.latest_end_s - self.duration_s


@dataclass(frozen=True, slots=True)
class Shift:
    """One working day: work in ``[start_s, end_s + overtime_max_s]``, minus the break."""

    start_s: int
    end_s: int
    overtime_max_s: int = 0
    break_rule: BreakRule | None = None

    @property
    def work_end_s(self) -> int:
        """Latest second of work, overtime included."""
        return self.end_s + self.overtime_max_s


@dataclass(frozen=True, slots=True)
class Vehicle:
    """An engineer and their vehicle."""

    id: str
    start: int
    end: int | None
    shifts: tuple[Shift, ...]
    skills: frozenset[str] = frozenset()
    parts: frozenset[str] = frozenset()
    capacity: int | None = None
    max_drive_per_shift_s: int | None = None
    overtime_weight: int = 1

    def can_serve(self, visit: Visit) -> bool:
        """Skills and parts allow this vehicle to take the visit (pinning aside)."""
        if not visit.skills <= self.skills:
            return False
        return visit.part is None or visit.part in self.parts


@dataclass(frozen=True, slots=True)
class Visit:
    """A job at a site. ``deadline_s`` bounds the arrival on site; windows bound service start."""

    id: str
    location: int
    service_s: int
    windows: tuple[TimeWindow, ...] = ()
    deadline_s: int | None = None
    skills: frozenset[str] = frozenset()
    priority: int = 0
    part: str | None = None
    demand: int = 0
    pinned_vehicle: str | None = None


@dataclass(frozen=True, eq=False)
class Problem:
    """Everything the solver needs; checked on construction (errors name the field)."""

    vehicles: tuple[Vehicle, ...]
    visits: tuple[Visit, ...]
    matrix: RoutingMatrix
    horizon_s: int
    cost: Literal["time", "distance"] = "time"

    def __post_init__(self) -> None:
        """Reject inputs the solver could not interpret (before any search starts)."""
        if not 0 < self.horizon_s <= MAX_HORIZON_S:
            raise InvalidRoutingInput("horizon_s", f"must be in (0, {MAX_HORIZON_S}]")
        n = self.matrix.size
        seen: set[str] = set()
        for i, veh in enumerate(self.vehicles):
            f = f"vehicles[{i}]"
            if veh.id in seen:
                raise InvalidRoutingInput(f"{f}.id", f"duplicate id {veh.id!r}")
            seen.add(veh.id)
            for name, loc in (("start", veh.start), ("end", veh.end)):
                if loc is not None and not 0 <= loc < n:
                    raise InvalidRoutingInput(f"{f}.{name}", f"location {loc} not in the matrix")
            if not veh.shifts:
                raise InvalidRoutingInput(f"{f}.shifts", "at least one shift is required")
            previous_end = -1
            for k, s in enumerate(veh.shifts):
                if not previous_end < s.start_s < s.end_s or s.overtime_max_s < 0:
                    raise InvalidRoutingInput(f"{f}.shifts[{k}]", "shifts must be ordered, non-empty")
                if s.work_end_s > self.horizon_s:
                    raise InvalidRoutingInput(f"{f}.shifts[{k}]", "ends after the horizon")
                b = s.break_rule
                if b is not None and not (
                    s.start_s <= b.earliest_start_s <= b.latest_start_s and b.latest_end_s <= s.end_s
                ):
                    raise InvalidRoutingInput(f"{f}.shifts[{k}].break_rule", "must fit the shift")
                previous_end = s.work_end_s
        ids: set[str] = set()
        for i, v in enumerate(self.visits):
            f = f"visits[{i}]"
            if v.id in ids:
                raise InvalidRoutingInput(f"{f}.id", f"duplicate id {v.id!r}")
            ids.add(v.id)
            if not 0 <= v.location < n:
                raise InvalidRoutingInput(f"{f}.location", f"location {v.location} not in matrix")
            if v.service_s < 0 or v.demand < 0:
                raise InvalidRoutingInput(f"{f}.service_s", "must not be negative")
            if any(w.start_s > w.end_s for w in v.windows):
                raise InvalidRoutingInput(f"{f}.windows", "a window ends before it starts")
            if v.pinned_vehicle is not None and v.pinned_vehicle not in seen:
                raise InvalidRoutingInput(f"{f}.pinned_vehicle", "unknown vehicle")

    def vehicle(self, vehicle_id: str) -> Vehicle:
        """The vehicle with this id."""
        for veh in self.vehicles:
            if veh.id == vehicle_id:
                return veh
        raise KeyError(vehicle_id)


FirstSolution = Literal[
    "PARALLEL_CHEAPEST_INSERTION", "LOCAL_CHEAPEST_INSERTION", "SAVINGS", "PATH_CHEAPEST_ARC"
]
Metaheuristic = Literal["GUIDED_LOCAL_SEARCH", "TABU_SEARCH", "SIMULATED_ANNEALING", "GREEDY_DESCENT"]


@dataclass(frozen=True, slots=True)
class SolveParams:
    """Search limits and knobs. At least one of ``time_limit_s`` and ``solution_limit``.

    A metaheuristic never stops by itself: guided local search on a one-visit problem keeps
    exploring for ever without finding a second solution, so a solution limit alone would hang.
    Without a time limit the search therefore descends greedily to the first local optimum (or
    the solution limit): deterministic and bounded, which is what unit tests want.

    ``own_search_share`` is the part of the time limit given to our own ruin-and-recreate search
    (``dispatch.planning.routing.classic``) before OR-Tools' guided local search starts from its best, on
    problems of the classic shape; 0 turns it off, 1 leaves OR-Tools only a descent.

    ``workers`` is how many processes our own search may use: that many independent searches
    (different seeds) run side by side and the best is kept. One (the default) keeps the whole
    solve in the calling process; more only pays where that many cores are free.
    """

    time_limit_s: float | None = 10.0
    solution_limit: int | None = None
    seed: int = 0
    balance_weight: int = 0
    metaheuristic: Metaheuristic = "GUIDED_LOCAL_SEARCH"
    first_solution: FirstSolution = "PARALLEL_CHEAPEST_INSERTION"
    own_search_share: float = 0.8
    workers: int = 1

    def __post_init__(self) -> None:
        """Reject limits that would hang or mean nothing."""
        t = self.time_limit_s
        if t is not None and not 0.0 < t <= MAX_TIME_LIMIT_S:
            raise InvalidRoutingInput("time_limit_s", f"must be in (0, {MAX_TIME_LIMIT_S:g}]")
        if self.solution_limit is not None and self.solution_limit < 1:
            raise InvalidRoutingInput("solution_limit", "must be at least 1")
        if t is None and self.solution_limit is None:
            raise InvalidRoutingInput("time_limit_s", "give a time limit or a solution limit")
        if self.balance_weight < 0:
            raise InvalidRoutingInput("balance_weight", "must not be negative")
        if not 0.0 <= self.own_search_share <= 1.0:
            raise InvalidRoutingInput("own_search_share", "must be in [0, 1]")
        if not 1 <= self.workers <= MAX_WORKERS:
            raise InvalidRoutingInput("workers", f"must be in [1, {MAX_WORKERS}]")


@dataclass(frozen=True, slots=True)
class Stop:
    """One planned visit: on-site arrival, service start and end."""

    visit_id: str
    arrival_s: int
    start_s: int
    end_s: int


@dataclass(frozen=True, slots=True)
class BreakTaken:
    """A break in a route: no work in ``[start_s, end_s)``."""

    start_s: int
    end_s: int


@dataclass(frozen=True, slots=True)
class Route:
    """A vehicle's ordered stops with their schedule and totals."""

    vehicle_id: str
    stops: tuple[Stop, ...]
    breaks: tuple[BreakTaken, ...] = ()
    depart_s: int = 0
    end_s: int = 0
    distance: int = 0
    travel_s: int = 0
    overtime_s: int = 0


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A visit left out of the plan, and why."""

    visit_id: str
    reason: UnassignedReason


@dataclass(frozen=True, slots=True)
class Solution:
    """A plan: one route per vehicle (possibly empty) and the unassigned visits."""

    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...] = ()
    distance: int = 0
    travel_s: int = 0
    overtime_s: int = 0
    stats: dict[str, float] = field(default_factory=dict)

    def route_of(self, vehicle_id: str) -> Route | None:
        """The route of a vehicle, if it has one."""
        return next((r for r in self.routes if r.vehicle_id == vehicle_id), None)
