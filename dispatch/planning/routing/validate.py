"""Independent check of a plan against its problem, recomputed from the travel matrix.

A plan is published only if this returns no violation. It deliberately shares no code with the
solver or the scheduler: it reads the recorded times of every stop and break and asks whether
they are possible — enough working time between two stops to drive the leg (outside nights and
breaks, within the driving cap of each shift), service inside a shift and window, arrival by the
deadline, the break taken where the route is under way, skills, parts, capacity, each visit at
most once. Driving is assumed to happen in the earliest working time after leaving a stop, which
is the most favourable reading for the per-shift driving cap of *later* legs only when earlier
legs are also earliest — the convention the scheduler follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from dispatch.planning.routing.model import BreakTaken, Problem, Route, Solution, Vehicle, Visit


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule. ``code`` is stable (tests and logs match on it)."""

    code: str
    vehicle_id: str | None
    visit_id: str | None
    detail: str


def _segments(vehicle: Vehicle, breaks: tuple[BreakTaken, ...]) -> list[tuple[int, int, int]]:
    """Working time of the vehicle as (start, end, shift index), breaks cut out."""
    out: list[tuple[int, int, int]] = []
    for k, shift in enumerate(vehicle.shifts):
        pieces = [(shift.start_s, shift.work_end_s)]
        for b in breaks:
            cut: list[tuple[int, int]] = []
            for a, e in pieces:
                if b.end_s <= a or b.start_s >= e:
                    cut.append((a, e))
                    continue
                if a < b.start_s:
                    cut.append((a, b.start_s))
                if b.end_s < e:
                    cut.append((b.end_s, e))
            pieces = cut
        out.extend((a, e, k) for a, e in pieces if e > a)
    return out


def _drive(
    segments: list[tuple[int, int, int]],
    driven: dict[int, int],
    cap: int | None,
    start: int,
    end: int,
    need: int,
) -> bool:
    """Allocate ``need`` seconds of driving in [start, end], earliest first; update ``driven``."""
    for a, e, k in segments:
        if need <= 0:
            break
        lo, hi = max(a, start), min(e, end)
        if hi <= lo:
            continue
        room = hi - lo
        if cap is not None:
            room = min(room, cap - driven.get(k, 0))
        if room <= 0:
            continue
        use = min(room, need)
        driven[k] = driven.get(k, 0) + use
        need -= use
    return need <= 0


def _check_leg(
    problem: Problem,
    veh: Vehicle,
    route: Route,
    frm: int,
    to: int,
    t0: int,
    t1: int,
    driven: dict[int, int],
    visit_id: str | None,
) -> list[Violation]:
    m = problem.matrix
    if not m.reachable[frm, to]:
        return [Violation("unreachable", veh.id, visit_id, f"no road {frm}->{to}")]
    need = int(m.seconds[frm, to])
    segs = _segments(veh, route.breaks)
    trial = dict(driven)
    if _drive(segs, trial, veh.max_drive_per_shift_s, t0, t1, need):
        driven.update(trial)
        return []
    if _drive(segs, dict(driven), None, t0, t1, need):
        return [Violation("drive_limit", veh.id, visit_id, "driving cap of a shift exceeded")]
    return [Violation("travel_time", veh.id, visit_id, f"{need}s of driving do not fit {t0}..{t1}")]


def _check_stop_times(
    veh: Vehicle, route: Route, visit: Visit, arrival: int, start: int, end: int
) -> list[Violation]:
    out: list[Violation] = []
    vid = visit.id
    if start < arrival or end - start != visit.service_s:
        out.append(Violation("service_duration", veh.id, vid, "service times inconsistent"))
    if visit.deadline_s is not None and arrival > visit.deadline_s:
        out.append(Violation("deadline", veh.id, vid, f"arrives {arrival} > {visit.deadline_s}"))
    if visit.windows and not any(w.start_s <= start <= w.end_s for w in visit.windows):
        out.append(Violation("window", veh.id, vid, f"service starts {start} outside windows"))
    if not any(s.start_s <= start and end <= s.work_end_s for s in veh.shifts):
        out.append(Violation("shift", veh.id, vid, f"service {start}..{end} outside any shift"))
    if any(b.start_s < end and start < b.end_s for b in route.breaks) and end > start:
        out.append(Violation("break_overlap", veh.id, vid, "service overlaps a break"))
    return out


def _check_breaks(veh: Vehicle, route: Route) -> list[Violation]:
    out: list[Violation] = []
    taken = sorted(route.breaks, key=lambda b: b.start_s)
    for a, b in pairwise(taken):
        if b.start_s < a.end_s:
            out.append(Violation("break_invalid", veh.id, None, "breaks overlap"))
    for b in taken:
        ok = any(
            s.break_rule is not None
            and s.break_rule.earliest_start_s <= b.start_s <= s.break_rule.latest_start_s
            and b.end_s - b.start_s == s.break_rule.duration_s
            for s in veh.shifts
        )
        if not ok:
            out.append(Violation("break_invalid", veh.id, None, f"break at {b.start_s} not allowed"))
    if not route.stops:
        return out
    for s in veh.shifts:
        rule = s.break_rule
        if rule is None or not route.depart_s <= rule.latest_start_s < route.end_s:
            continue
        if not any(rule.earliest_start_s <= b.start_s <= rule.latest_start_s for b in taken):
            out.append(Violation("break_missing", veh.id, None, f"no break in shift {s.start_s}"))
    return out


def _check_route(problem: Problem, veh: Vehicle, route: Route, visits: dict[str, Visit]) -> list[Violation]:
    out = _check_breaks(veh, route)
    if not route.stops:
        return out
    if route.depart_s < veh.shifts[0].start_s:
        out.append(Violation("shift", veh.id, None, "departs before the first shift"))
    driven: dict[int, int] = {}
    here, t, load, distance, travel = veh.start, route.depart_s, 0, 0, 0
    m = problem.matrix
    for stop in route.stops:
        visit = visits[stop.visit_id]
        if not veh.can_serve(visit):
            code = "skill" if not visit.skills <= veh.skills else "part"
            out.append(Violation(code, veh.id, visit.id, "vehicle not eligible"))
        if visit.pinned_vehicle is not None and visit.pinned_vehicle != veh.id:
            out.append(Violation("pinned", veh.id, visit.id, f"pinned to {visit.pinned_vehicle}"))
        out += _check_leg(problem, veh, route, here, visit.location, t, stop.arrival_s, driven, visit.id)
        out += _check_stop_times(veh, route, visit, stop.arrival_s, stop.start_s, stop.end_s)
        load += visit.demand
        distance += int(m.meters[here, visit.location])
        travel += int(m.seconds[here, visit.location])
        here, t = visit.location, stop.end_s
    if veh.capacity is not None and load > veh.capacity:
        out.append(Violation("capacity", veh.id, None, f"load {load} > {veh.capacity}"))
    if veh.end is not None:
        out += _check_leg(problem, veh, route, here, veh.end, t, route.end_s, driven, None)
        distance += int(m.meters[here, veh.end])
        travel += int(m.seconds[here, veh.end])
    if route.end_s > veh.shifts[-1].work_end_s:
        out.append(Violation("shift", veh.id, None, "route ends after the last shift"))
    if (distance, travel) != (route.distance, route.travel_s):
        out.append(Violation("totals", veh.id, None, "route distance/travel do not match matrix"))
    return out


def validate(problem: Problem, solution: Solution) -> list[Violation]:
    """Every rule the plan breaks (empty list: the plan may be published)."""
    out: list[Violation] = []
    visits = {v.id: v for v in problem.visits}
    vehicles = {v.id: v for v in problem.vehicles}
    seen_vehicles: set[str] = set()
    served: set[str] = set()
    distance = travel = 0
    for route in solution.routes:
        veh = vehicles.get(route.vehicle_id)
        if veh is None:
            out.append(Violation("unknown_vehicle", route.vehicle_id, None, "no such vehicle"))
            continue
        if veh.id in seen_vehicles:
            out.append(Violation("duplicate_route", veh.id, None, "two routes for one vehicle"))
        seen_vehicles.add(veh.id)
        known = True
        for stop in route.stops:
            if stop.visit_id not in visits:
                out.append(Violation("unknown_visit", veh.id, stop.visit_id, "no such visit"))
                known = False
            elif stop.visit_id in served:
                out.append(Violation("duplicate_visit", veh.id, stop.visit_id, "served twice"))
            served.add(stop.visit_id)
        if known:
            out += _check_route(problem, veh, route, visits)
        distance += route.distance
        travel += route.travel_s
    for u in solution.unassigned:
        if u.visit_id in served:
            out.append(Violation("duplicate_visit", None, u.visit_id, "served and unassigned"))
    missing = set(visits) - served - {u.visit_id for u in solution.unassigned}
    out += [Violation("missing_visit", None, v, "neither planned nor unassigned") for v in missing]
    if (distance, travel) != (solution.distance, solution.travel_s):
        out.append(Violation("totals", None, None, "plan totals do not match its routes"))
    return out
