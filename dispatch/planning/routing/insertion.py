"""Cheapest feasible insertion of one urgent visit into a committed plan (the 15:40 call).

Every (vehicle, position) pair is priced at once with numpy — added travel
``c[prev, v] + c[v, next] - c[prev, next]`` — and pairs that cannot meet the arrival deadline
even by leaving the previous stop at its planned end and driving straight there are discarded
(a sound filter: nights, breaks and driving caps only make arrival later). The survivors are
tried cheapest first with the exact scheduler, which re-times the whole route and refuses any
order that breaks another stop's window or deadline, so every other promise is kept. The first
success is validated and returned; its cost is minimal among feasible insertions because
candidates are tried in cost order.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from dispatch.planning.routing.feasibility import alone_reason, eligible
from dispatch.planning.routing.model import Problem, Solution, UnassignedReason, Visit
from dispatch.planning.routing.schedule import Infeasible, schedule
from dispatch.planning.routing.validate import validate


@dataclass(frozen=True, slots=True)
class NoInsertion:
    """No vehicle can take the visit without breaking a promise; ``reason`` says why."""

    visit_id: str
    reason: UnassignedReason


def with_visit(problem: Problem, visit: Visit) -> Problem:
    """The problem with one more visit (what the returned plan is valid against)."""
    return dataclasses.replace(problem, visits=(*problem.visits, visit))


def insert_urgent(problem: Problem, committed: Solution, visit: Visit) -> Solution | NoInsertion:
    """Insert ``visit`` where it adds least travel without moving any promise out of reach.

    ``problem`` is the one ``committed`` was planned for (without ``visit``). The returned plan is
    valid for ``with_visit(problem, visit)``.
    """
    extended = with_visit(problem, visit)
    by_id = {v.id: v for v in problem.visits}
    vehicles = eligible(extended, visit)
    if not vehicles:
        return NoInsertion(visit.id, "no_skill")
    m = problem.matrix
    cost = m.meters if problem.cost == "distance" else m.seconds
    rows: list[tuple[int, int]] = []  # (vehicle position in `vehicles`, insertion position)
    prev_l: list[int] = []
    next_l: list[int] = []
    leave: list[int] = []
    has_next: list[bool] = []
    for vi, veh in enumerate(vehicles):
        route = committed.route_of(veh.id)
        stops = route.stops if route else ()
        locs = [veh.start, *(by_id[s.visit_id].location for s in stops)]
        times = [route.depart_s if route and stops else veh.shifts[0].start_s, *(s.end_s for s in stops)]
        for pos in range(len(stops) + 1):
            rows.append((vi, pos))
            prev_l.append(locs[pos])
            leave.append(times[pos])
            nxt = locs[pos + 1] if pos + 1 < len(locs) else veh.end
            has_next.append(nxt is not None)
            next_l.append(nxt if nxt is not None else 0)
    prev = np.asarray(prev_l, dtype=np.int64)
    nxt_a = np.asarray(next_l, dtype=np.int64)
    closes = np.asarray(has_next)
    v = visit.location
    ok = m.reachable[prev, v] & (~closes | m.reachable[v, nxt_a])
    delta = cost[prev, v] + np.where(closes, cost[v, nxt_a] - cost[prev, nxt_a], 0)
    if visit.deadline_s is not None:
        ok &= np.asarray(leave, dtype=np.int64) + m.seconds[prev, v] <= visit.deadline_s
    for i in np.flatnonzero(ok)[np.argsort(delta[ok], kind="stable")]:
        vi, pos = rows[int(i)]
        veh = vehicles[vi]
        route = committed.route_of(veh.id)
        seq = [by_id[s.visit_id] for s in (route.stops if route else ())]
        seq.insert(pos, visit)
        try:
            new_route = schedule(extended, veh, seq)
        except Infeasible:
            continue
        routes = tuple(new_route if r.vehicle_id == veh.id else r for r in committed.routes)
        if route is None:
            routes = (*routes, new_route)
        plan = dataclasses.replace(
            committed,
            routes=routes,
            unassigned=tuple(u for u in committed.unassigned if u.visit_id != visit.id),
            distance=sum(r.distance for r in routes),
            travel_s=sum(r.travel_s for r in routes),
            overtime_s=sum(r.overtime_s for r in routes),
        )
        if not validate(extended, plan):
            return plan
    return NoInsertion(visit.id, alone_reason(extended, visit) or "capacity")
