"""Snapshot → routing ``Problem``: engineers become vehicles, jobs become visits.

* Time is seconds from local midnight of the plan's first day in the plant's time zone; the
  horizon ends ``horizon_hours`` after the snapshot's instant.
* Shifts: one per day (``WorkingDay``: 08:00–18:00, lunch 12:00–13:00, overtime up to the limit),
  the first one starting no earlier than now (or than the end of the job an engineer is on);
  absences (sick leave …) cut the shifts they overlap, splitting a day when they fall inside it.
* An engineer starts at their latest fresh GPS fix, the site of the job in progress, or home,
  and ends wherever the last visit is (overnight stays away from base are allowed).
* The R-DI-1 decision is respected: a job of ``outlet:<id>`` needs an engineer of that outlet,
  modelled as one more skill (``team``) on both sides.
* Deadlines are hard where they can be met: a visit that no engineer could reach in time even
  alone keeps its place in the plan without the hard bound and is flagged ``late``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from dispatch.planning.catalog import WorkingDay, priority, service_rule
from dispatch.planning.routing import BreakRule, Problem, RoutingMatrix, Shift, TimeWindow, Vehicle, Visit
from dispatch.planning.routing.feasibility import alone_reason
from dispatch.planning.snapshot import Engineer, Interval, Job, Snapshot
from geo.coordinates import LonLat
from geo.traveltime import UNREACHABLE, GeodesicTravelModel, TravelModel

MIN_HORIZON_HOURS = 72
MAX_HORIZON_HOURS = 240


@dataclass(frozen=True, slots=True)
class Excluded:
    engineer_id: str
    reason: str
    """``no_location`` or ``unavailable`` (no working time left in the horizon)."""


@dataclass(frozen=True, eq=False)
class BuiltProblem:
    """The problem and how its indices map back to the snapshot."""

    problem: Problem
    epoch: datetime
    engineers: tuple[Engineer, ...]
    """Vehicles in order: ``problem.vehicles[i]`` is ``engineers[i]``."""
    jobs: tuple[Job, ...]
    """Visits in order: ``problem.visits[i]`` is ``jobs[i]``."""
    points: tuple[LonLat, ...]
    """Location index → point (engineers' starts first, then the jobs' sites)."""
    excluded: tuple[Excluded, ...] = ()
    late: frozenset[str] = frozenset()
    """Visits whose deadline cannot be met by anyone: planned without the hard bound."""

    def at(self, seconds: int) -> datetime:
        return self.epoch + timedelta(seconds=seconds)


def plan_epoch(now: datetime, timezone: str) -> datetime:
    """Local midnight of ``now``'s day in ``timezone``."""
    tz = ZoneInfo(timezone)
    return datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def _piece(a: int, b: int, end: int, brk: tuple[int, int] | None) -> Shift | None:
    """A shift working ``[a, b]`` of a day whose regular end is ``end`` (beyond it: overtime)."""
    stop = min(b, end)
    overtime = max(0, b - end)
    rule: BreakRule | None = None
    if brk is not None:
        bs, be = brk
        if a < bs and be <= stop:
            rule = BreakRule(bs, be, be - bs)
        elif bs <= a < be:
            a = be  # starts inside the break: work starts after it
        elif a < bs < stop < be:
            stop, overtime = bs, 0  # ends inside the break
    if a >= stop:
        return None
    return Shift(a, stop, overtime, rule)


def _cut(start: int, stop: int, holes: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces = [(start, stop)]
    for ha, hb in holes:
        out: list[tuple[int, int]] = []
        for a, b in pieces:
            if hb <= a or ha >= b:
                out.append((a, b))
                continue
            if a < ha:
                out.append((a, ha))
            if hb < b:
                out.append((hb, b))
        pieces = out
    return pieces


def shifts_of(
    engineer: Engineer, day: WorkingDay, epoch: datetime, now_s: int, horizon_s: int
) -> tuple[Shift, ...]:
    """The engineer's working time in ``[now, horizon]``, absences cut out."""
    tz = epoch.tzinfo
    assert isinstance(tz, ZoneInfo)

    def sec(moment: datetime) -> int:
        return int((moment - epoch).total_seconds())

    earliest = now_s
    if engineer.available_from is not None:
        earliest = max(earliest, sec(engineer.available_from))
    holes = sorted([(-(1 << 40), earliest), *((sec(i.start), sec(i.end)) for i in engineer.unavailable)])
    shifts: list[Shift] = []
    d = 0
    while True:
        the_day = epoch.date() + timedelta(days=d)
        d += 1
        s, e = sec(_at(the_day, day.start, tz)), sec(_at(the_day, day.end, tz))
        if s >= horizon_s:
            break
        brk = None
        if day.break_start is not None and day.break_end is not None:
            brk = (sec(_at(the_day, day.break_start, tz)), sec(_at(the_day, day.break_end, tz)))
        work_end = min(e + day.overtime_max_min * 60, horizon_s)
        for a, b in _cut(s, work_end, holes):
            shift = _piece(a, b, e, brk)
            if shift is not None and shift.end_s - shift.start_s >= 60:
                shifts.append(shift)
    return tuple(shifts)


def _windows(job: Job, epoch: datetime, horizon_s: int) -> tuple[TimeWindow, ...]:
    out = []
    for w in job.windows:
        # clipped to the horizon: a window beyond it cannot be planned now (and the OR-Tools
        # model would reject a service-start range that starts after the horizon)
        a = min(int((w.start - epoch).total_seconds()), horizon_s)
        b = min(int((w.end - epoch).total_seconds()), horizon_s)
        out.append(TimeWindow(a, max(a, b)))
    return tuple(out)


def _full_matrix(points: Sequence[LonLat], travel: TravelModel) -> RoutingMatrix:
    return RoutingMatrix.of(travel.matrix(points, points))


def _sparse_matrix(
    points: Sequence[LonLat], groups: Sequence[Sequence[int]], free: Sequence[int], travel: TravelModel
) -> RoutingMatrix:
    """Only the pairs a committed plan and an insertion can use: legs inside each vehicle's
    group (its start and its stops) and every pair with a free visit. Others: unreachable."""
    n = len(points)
    meters = np.full((n, n), UNREACHABLE, dtype=np.int64)
    seconds = np.full((n, n), UNREACHABLE, dtype=np.int64)
    reachable = np.zeros((n, n), dtype=np.bool_)
    np.fill_diagonal(meters, 0)
    np.fill_diagonal(seconds, 0)
    np.fill_diagonal(reachable, True)
    for group in groups:
        idx = np.asarray(group, dtype=np.int64)
        block = travel.matrix([points[i] for i in group], [points[i] for i in group])
        grid = np.ix_(idx, idx)
        meters[grid], seconds[grid], reachable[grid] = block.meters, block.seconds, block.reachable
    for f in free:
        row = travel.matrix([points[f]], points)
        col = travel.matrix(points, [points[f]])
        meters[f, :], seconds[f, :], reachable[f, :] = row.meters[0], row.seconds[0], row.reachable[0]
        meters[:, f], seconds[:, f], reachable[:, f] = (
            col.meters[:, 0],
            col.seconds[:, 0],
            col.reachable[:, 0],
        )
    return RoutingMatrix(meters, seconds, reachable)


def build(
    snapshot: Snapshot,
    *,
    travel: TravelModel | None = None,
    sequences: Mapping[str, Sequence[str]] | None = None,
    relax_late: bool = True,
) -> BuiltProblem:
    """The routing problem of a snapshot.

    ``sequences`` (ticket ids per engineer id: a committed plan) switches to the sparse matrix
    used for urgent insertion: O(stops) travel-time look-ups instead of O(locations²).
    """
    travel = travel or GeodesicTravelModel()
    epoch = plan_epoch(snapshot.now, snapshot.timezone)
    now_s = int((snapshot.now - epoch).total_seconds())
    horizon_s = now_s + snapshot.horizon_hours * 3600
    vehicles: list[Vehicle] = []
    engineers: list[Engineer] = []
    excluded: list[Excluded] = []
    points: list[LonLat] = []
    day = snapshot.day
    for eng in snapshot.engineers:
        if eng.lon is None or eng.lat is None:
            excluded.append(Excluded(eng.id, "no_location"))
            continue
        shifts = shifts_of(eng, day, epoch, now_s, horizon_s)
        if not shifts:
            excluded.append(Excluded(eng.id, "unavailable"))
            continue
        vehicles.append(
            Vehicle(
                id=eng.id,
                start=len(points),
                end=None,
                shifts=shifts,
                skills=eng.skills | {eng.team},
                max_drive_per_shift_s=day.max_drive_min * 60,
                overtime_weight=day.overtime_weight,
            )
        )
        engineers.append(eng)
        points.append(LonLat(eng.lon, eng.lat))
    on_duty = {e.id for e in engineers}
    visits: list[Visit] = []
    for job in snapshot.jobs:
        rule = service_rule(job.fault_type)
        deadline = None if job.deadline is None else int((job.deadline - epoch).total_seconds())
        windows = _windows(job, epoch, horizon_s)
        if deadline is not None and windows:
            # A window the customer chose that opens after the promise moves the promise to its
            # opening (and the OR-Tools model needs deadline >= the first window's start).
            deadline = max(deadline, min(w.start_s for w in windows))
        visits.append(
            Visit(
                id=job.ticket_id,
                location=len(points),
                service_s=(job.service_min if job.service_min is not None else rule.minutes) * 60,
                windows=windows,
                deadline_s=deadline,
                skills=job.skills | rule.skills | {job.team},
                priority=priority(job.urgency),
                pinned_vehicle=job.technician_id if job.pinned and job.technician_id in on_duty else None,
            )
        )
        points.append(LonLat(job.lon, job.lat))
    if sequences is None:
        matrix = _full_matrix(points, travel)
    else:
        index = {v.id: v.location for v in visits}
        groups = [
            [veh.start, *(index[t] for t in sequences.get(veh.id, ()) if t in index)] for veh in vehicles
        ]
        planned = {t for seq in sequences.values() for t in seq}
        free = [v.location for v in visits if v.id not in planned]
        matrix = _sparse_matrix(points, groups, free, travel)
    problem = Problem(tuple(vehicles), tuple(visits), matrix, max(horizon_s, 1))
    late: set[str] = set()
    if relax_late and vehicles:
        relaxed = list(visits)
        for i, visit in enumerate(visits):
            if visit.deadline_s is None:
                continue
            if visit.deadline_s < now_s or alone_reason(problem, visit) == "deadline_unreachable":
                relaxed[i] = replace(visit, deadline_s=None)
                late.add(visit.id)
        if late:
            problem = replace(problem, visits=tuple(relaxed))
    return BuiltProblem(
        problem, epoch, tuple(engineers), snapshot.jobs, tuple(points), tuple(excluded), frozenset(late)
    )


__all__ = [
    "MAX_HORIZON_HOURS",
    "MIN_HORIZON_HOURS",
    "BuiltProblem",
    "Excluded",
    "Interval",
    "build",
    "shifts_of",
]
