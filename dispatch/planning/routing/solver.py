"""``solve(problem, params) -> Solution``: the one entry point of the optimiser.

Pipeline: (1) visits that no vehicle could serve even alone are set aside with their reason, so
the search never wastes time on them; (2) OR-Tools orders the rest (``ortools_model``), optionally
from a given or constructed start; (3) the exact scheduler re-derives every time and drops any
visit the model's approximations let through; (4) the independent validator checks the plan and
anything it flags is removed, so the returned plan always validates. Objective, in order: visits
kept (deadlines are hard, dropping costs far more than any route, more for higher priority),
then travel (time, or distance in the pure VRPTW mode), overtime, balance.
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dispatch.planning.routing import classic, ortools_model
from dispatch.planning.routing.feasibility import alone_reason, schedule_or_repair
from dispatch.planning.routing.model import (
    Problem,
    Route,
    Solution,
    SolveParams,
    Unassigned,
    UnassignedReason,
    Visit,
)
from dispatch.planning.routing.validate import validate

# Time kept back from the search for scheduling and validating its answer.
_RESERVE_S = 0.05


def _assemble(
    problem: Problem,
    sequences: Mapping[str, Sequence[Visit]],
    dropped: Sequence[Visit],
    reasons: Mapping[str, UnassignedReason],
    stats: dict[str, float],
) -> Solution:
    routes: list[Route] = []
    lost: list[Visit] = list(dropped)
    for veh in problem.vehicles:
        route, out = schedule_or_repair(problem, veh, sequences.get(veh.id, ()))
        routes.append(route)
        lost.extend(out)
    unassigned = [Unassigned(v, r) for v, r in reasons.items()]
    for visit in lost:
        why = alone_reason(problem, visit) or "capacity"
        unassigned.append(Unassigned(visit.id, why))
    return Solution(
        tuple(routes),
        tuple(unassigned),
        sum(r.distance for r in routes),
        sum(r.travel_s for r in routes),
        sum(r.overtime_s for r in routes),
        stats,
    )


def finalize(
    problem: Problem,
    sequences: Mapping[str, Sequence[Visit]],
    dropped: Sequence[Visit],
    reasons: Mapping[str, UnassignedReason],
    stats: dict[str, float] | None = None,
) -> Solution:
    """Schedule, repair and validate routes given as visit sequences per vehicle id."""
    stats = dict(stats or {})
    seqs = {k: list(v) for k, v in sequences.items()}
    lost = list(dropped)
    for _ in range(len(problem.visits) + 1):
        solution = _assemble(problem, seqs, lost, reasons, stats)
        bad = validate(problem, solution)
        if not bad:
            return solution
        flagged = {v.visit_id for v in bad if v.visit_id is not None}
        flagged_vehicles = {v.vehicle_id for v in bad if v.visit_id is None}
        for vid, seq in seqs.items():
            keep = [] if vid in flagged_vehicles else [v for v in seq if v.id not in flagged]
            lost += [v for v in seq if v not in keep]
            seqs[vid] = keep
    raise AssertionError("repair did not converge")  # pragma: no cover - bounded by visit count


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    initial_routes: Mapping[str, Sequence[str]] | None = None,
    on_solution: Callable[[int], None] | None = None,
) -> Solution:
    """Plan routes for ``problem`` within ``params``' limits; the result always validates.

    ``initial_routes`` (visit ids per vehicle id) seeds the search, e.g. the committed plan when
    re-planning; visits or vehicles it names that no longer exist are ignored. ``on_solution``
    hears the objective of each better solution OR-Tools finds (progress reports).
    """
    params = params or SolveParams()
    started = _time.monotonic()
    reasons: dict[str, UnassignedReason] = {}
    offered: list[Visit] = []
    for visit in problem.visits:
        why = alone_reason(problem, visit)
        if why is None:
            offered.append(visit)
        else:
            reasons[visit.id] = why
    stats: dict[str, float] = {}
    if not offered or not problem.vehicles:
        lost = [] if problem.vehicles else offered
        return finalize(problem, {}, lost, reasons, stats)

    own: Solution | None = None
    if initial_routes is None and params.time_limit_s is not None and params.own_search_share > 0:
        own_routes = _own_search(problem, offered, params, started)
        if own_routes is not None:
            initial_routes = own_routes
            own = finalize(problem, _sequences(problem, offered, own_routes), [], reasons, stats)
            stats["own_distance"] = float(own.distance)
    built = ortools_model.build(problem, offered, params.balance_weight)
    if on_solution is not None:
        _report_solutions(built.routing, on_solution)
    limit = None
    if params.time_limit_s is not None:
        limit = max(0.01, params.time_limit_s - (_time.monotonic() - started) - _RESERVE_S)
    meta = params.metaheuristic if limit is not None else "GREEDY_DESCENT"
    search = ortools_model.search_parameters(limit, params.solution_limit, params.first_solution, meta)
    start_routes = None
    if initial_routes is not None:
        start_routes = [list(initial_routes.get(v.id, ())) for v in problem.vehicles]
    assignment = None
    if start_routes is not None:
        initial = ortools_model.initial_assignment(built, start_routes, search)
        if initial is not None:
            assignment = built.routing.SolveFromAssignmentWithParameters(initial, search)
            stats["seeded"] = 1.0
    if assignment is None:
        assignment = built.routing.SolveWithParameters(search)
    stats["search_s"] = _time.monotonic() - started
    if assignment is None:
        return finalize(problem, {}, offered, reasons, stats)
    stats["objective"] = float(assignment.ObjectiveValue())
    sequences = {
        veh.id: seq
        for veh, seq in zip(problem.vehicles, ortools_model.read_routes(built, assignment), strict=True)
    }
    planned = {v.id for seq in sequences.values() for v in seq}
    dropped = [v for v in offered if v.id not in planned]
    found = finalize(problem, sequences, dropped, reasons, stats)
    if own is not None and _key(problem, own) < _key(problem, found):
        return own
    return found


def _report_solutions(routing: Any, on_solution: Callable[[int], None]) -> None:
    """Tell ``on_solution`` each improving objective, at most once a second (the search finds
    thousands of solutions; the listener writes to the database)."""
    last = [0.0]

    def heard() -> None:
        now = _time.monotonic()
        if now - last[0] >= 1.0:
            last[0] = now
            on_solution(int(routing.CostVar().Value()))

    routing.AddAtSolutionCallback(heard)


def _key(problem: Problem, solution: Solution) -> tuple[int, int]:
    """Better plans sort first: fewer unassigned, then less cost (the problem's own measure)."""
    cost = solution.distance if problem.cost == "distance" else solution.travel_s
    return (len(solution.unassigned), cost)


def _sequences(
    problem: Problem, offered: Sequence[Visit], routes: Mapping[str, Sequence[str]]
) -> dict[str, list[Visit]]:
    by_id = {v.id: v for v in offered}
    return {k: [by_id[i] for i in ids] for k, ids in routes.items()}


def _own_search(
    problem: Problem, offered: list[Visit], params: SolveParams, started: float
) -> dict[str, list[str]] | None:
    """Our ruin-and-recreate search on classic problems (visit ids per vehicle), else None."""
    core = classic.core_of(problem, offered)
    if core is None:
        return None
    assert params.time_limit_s is not None
    budget = params.own_search_share * params.time_limit_s - (_time.monotonic() - started)
    routes = classic.improve_many(core, max(budget, 0.0), params.seed, params.workers)
    if routes is None:
        return None
    return {
        veh.id: [offered[u - 1].id for u in seq] for veh, seq in zip(problem.vehicles, routes, strict=False)
    }
