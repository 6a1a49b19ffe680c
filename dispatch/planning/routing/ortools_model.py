"""The OR-Tools routing model of a ``Problem`` (order of visits; times are re-derived later).

Choices, each for a measured or documented reason (see ``docs/adr/0004-routing-ortools-and-own-search.md``):

* Matrices are registered with ``RegisterTransitMatrix`` / ``RegisterUnaryTransitVector``: Python
  callbacks halve the number of moves the local search evaluates in a fixed time.
* Every visit is optional with a drop penalty far above any route cost, scaled by priority, so
  the model is never infeasible (breaks and tight windows can make a mandatory model so) and an
  urgent visit is the last to be dropped.
* Allowed vehicles go through ``VehicleVar(i).SetValues([-1] + allowed)``; in 9.15
  ``SetAllowedVehiclesForIndex`` raises ``TypeError`` for any Python sequence.
* Nights are fixed break intervals between shifts and the shift break is a break interval free
  to start inside its window, so the time dimension never drives or serves outside work time.
* The cumul of a visit is its service start; the arrival deadline is imposed on it (stricter
  than on the arrival itself, so every plan the model accepts keeps the promise).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dispatch.planning.routing.model import IntArray, Problem, Visit

# Transit used for an unreachable pair: beyond any horizon, so the time dimension forbids it.
_UNREACHABLE_S = 10 * 31 * 86_400


@dataclass(slots=True)
class BuiltModel:
    """The pieces of a built model the solver needs afterwards."""

    manager: Any
    routing: Any
    time: Any
    visits: list[Visit]


def _visit_range(visit: Visit, horizon: int) -> tuple[int, int, list[tuple[int, int]]]:
    """Service-start range of a visit and the gaps between its windows."""
    hi = horizon
    lo = 0
    gaps: list[tuple[int, int]] = []
    if visit.windows:
        ws = sorted((w.start_s, w.end_s) for w in visit.windows)
        lo, hi = ws[0][0], max(e for _, e in ws)
        reach = ws[0][1]
        for a, e in ws[1:]:
            if a > reach + 1:
                gaps.append((reach + 1, a - 1))
            reach = max(reach, e)
    if visit.deadline_s is not None:
        # The deadline bounds the arrival, the window the start of service: an engineer who
        # arrives by a deadline that falls before the window opens waits for it. Never let the
        # range invert (lo > hi makes OR-Tools fail the whole model); the validator still checks
        # the arrival against the deadline.
        hi = min(hi, max(visit.deadline_s, lo))
    return max(lo, 0), min(hi, horizon), gaps


def build(problem: Problem, visits: list[Visit], balance_weight: int) -> BuiltModel:
    """Build the routing model over ``visits`` (those worth offering to the search)."""
    from ortools.constraint_solver import pywrapcp

    vehicles = problem.vehicles
    nv, nq = len(vehicles), len(visits)
    # One node per distinct depot location (shared starts/ends keep the model small: separate
    # start and end nodes per vehicle cost guided local search several percent on Solomon),
    # plus one shared dummy end, reached at no cost, for routes that end at their last visit.
    depot_locs = sorted({v.start for v in vehicles} | {v.end for v in vehicles if v.end is not None})
    depot_node = {loc: nq + i for i, loc in enumerate(depot_locs)}
    dummy = nq + len(depot_locs)
    has_open = any(v.end is None for v in vehicles)
    loc = np.empty(dummy + (1 if has_open else 0), dtype=np.int64)
    loc[:nq] = [v.location for v in visits]
    loc[nq:dummy] = depot_locs
    if has_open:
        loc[dummy] = depot_locs[0]
    starts = [depot_node[v.start] for v in vehicles]
    ends = [dummy if v.end is None else depot_node[v.end] for v in vehicles]
    open_end = np.array([dummy] if has_open else [], dtype=np.int64)

    m = problem.matrix
    reach = m.reachable[np.ix_(loc, loc)]
    travel = np.where(reach, m.seconds[np.ix_(loc, loc)], _UNREACHABLE_S)
    arc = np.where(
        reach, (m.meters if problem.cost == "distance" else m.seconds)[np.ix_(loc, loc)], _UNREACHABLE_S
    )
    if open_end.size:
        travel[:, open_end] = 0
        arc[:, open_end] = 0
    service = np.zeros(len(loc), dtype=np.int64)
    service[:nq] = [v.service_s for v in visits]
    transit: IntArray = travel + service[:, None]

    manager = pywrapcp.RoutingIndexManager(len(loc), nv, starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    arc_index = routing.RegisterTransitMatrix(arc.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(arc_index)
    time_index = routing.RegisterTransitMatrix(transit.tolist())
    horizon = problem.horizon_s
    routing.AddDimension(time_index, horizon, horizon, False, "time")
    time = routing.GetDimensionOrDie("time")
    if balance_weight:
        time.SetGlobalSpanCostCoefficient(balance_weight)

    if any(v.demand for v in visits) and any(v.capacity is not None for v in vehicles):
        demand = [0] * len(loc)
        for i, v in enumerate(visits):
            demand[i] = v.demand
        cap_big = sum(demand) + 1
        caps = [cap_big if v.capacity is None else v.capacity for v in vehicles]
        unary = routing.RegisterUnaryTransitVector(demand)
        routing.AddDimensionWithVehicleCapacity(unary, 0, caps, True, "load")

    finite = arc[arc < _UNREACHABLE_S]
    drop_base = int(min(10**12, (int(finite.max(initial=1)) + 1) * (len(loc) + 1)))
    ids = {v.id: i for i, v in enumerate(vehicles)}
    for i, visit in enumerate(visits):
        index = manager.NodeToIndex(i)
        lo, hi, gaps = _visit_range(visit, horizon)
        cumul = time.CumulVar(index)
        cumul.SetRange(lo, hi)
        for a, e in gaps:
            cumul.RemoveInterval(a, e)
        allowed = [k for k, veh in enumerate(vehicles) if veh.can_serve(visit)]
        if visit.pinned_vehicle is not None:
            allowed = [k for k in allowed if k == ids[visit.pinned_vehicle]]
        if len(allowed) < nv:
            routing.VehicleVar(index).SetValues([-1, *allowed])
        weight = (1 + max(visit.priority, 0)) * (100 if visit.pinned_vehicle else 1)
        routing.AddDisjunction([index], drop_base * weight)

    solver = routing.solver()
    visit_transits = service.tolist()
    for k, veh in enumerate(vehicles):
        first, last = veh.shifts[0], veh.shifts[-1]
        time.CumulVar(routing.Start(k)).SetRange(first.start_s, last.work_end_s)
        time.CumulVar(routing.End(k)).SetRange(first.start_s, last.work_end_s)
        if last.overtime_max_s and veh.overtime_weight:
            time.SetCumulVarSoftUpperBound(routing.End(k), last.end_s, veh.overtime_weight)
        intervals = []
        for j, shift in enumerate(veh.shifts):
            b = shift.break_rule
            if b is not None:
                intervals.append(
                    solver.FixedDurationIntervalVar(
                        b.earliest_start_s, b.latest_start_s, b.duration_s, False, f"b{k}_{j}"
                    )
                )
            if j + 1 < len(veh.shifts):
                night = veh.shifts[j + 1].start_s - shift.work_end_s
                intervals.append(
                    solver.FixedDurationIntervalVar(
                        shift.work_end_s, shift.work_end_s, night, False, f"n{k}_{j}"
                    )
                )
        if intervals:
            time.SetBreakIntervalsOfVehicle(intervals, k, visit_transits)
        routing.AddVariableMinimizedByFinalizer(time.CumulVar(routing.End(k)))
    return BuiltModel(manager, routing, time, visits)


def search_parameters(time_limit_s: float | None, solution_limit: int | None, first: str, meta: str) -> Any:
    """Search parameters for one single-threaded run."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, first)
    params.local_search_metaheuristic = getattr(routing_enums_pb2.LocalSearchMetaheuristic, meta)
    if time_limit_s is not None:
        params.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if solution_limit is not None:
        params.solution_limit = solution_limit
    params.log_search = False
    return params


def read_routes(built: BuiltModel, assignment: Any) -> list[list[Visit]]:
    """The visit sequence of each vehicle in an assignment."""
    routing, manager = built.routing, built.manager
    out: list[list[Visit]] = []
    for k in range(routing.vehicles()):
        seq: list[Visit] = []
        index = assignment.Value(routing.NextVar(routing.Start(k)))
        while not routing.IsEnd(index):
            seq.append(built.visits[manager.IndexToNode(index)])
            index = assignment.Value(routing.NextVar(index))
        out.append(seq)
    return out


def initial_assignment(built: BuiltModel, routes: list[list[str]], params: Any) -> Any:
    """An assignment from visit-id routes (unknown ids are skipped), or None if rejected."""
    position = {v.id: i for i, v in enumerate(built.visits)}
    node_routes = [[built.manager.NodeToIndex(position[v]) for v in r if v in position] for r in routes]
    built.routing.CloseModelWithParameters(params)
    return built.routing.ReadAssignmentFromRoutes(node_routes, True)
