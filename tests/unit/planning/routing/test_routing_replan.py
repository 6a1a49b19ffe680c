"""Urgent insertion into a committed plan and re-planning around a sick engineer."""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from dispatch.planning.routing import (
    NoInsertion,
    Problem,
    RoutingMatrix,
    Solution,
    SolveParams,
    Vehicle,
    Visit,
    insert_urgent,
    solve,
    validate,
    with_visit,
)
from dispatch.planning.routing.schedule import schedule

from ._helpers import DAY, H, engineer, problem, shifts

FAST = SolveParams(time_limit_s=None, solution_limit=100)


def _plan() -> tuple[Problem, Solution]:
    # v0 (20 km from a) and v3 (20 km from b) are due at 09:00: both engineers have work.
    visits = [
        Visit(f"v{i}", 1 + i % 4, H, deadline_s=9 * H if i in (0, 3) else DAY + 18 * H) for i in range(6)
    ]
    vehicles = [engineer("a", 0, end=0), engineer("b", 5, end=5, skills=["hydraulic"])]
    p = problem([0, 20, 40, 60, 80, 100], vehicles, visits)
    plan = solve(p, FAST)
    assert validate(p, plan) == []
    assert plan.unassigned == ()
    return p, plan


def test_urgent_visit_inserted_keeping_every_promise() -> None:
    p, plan = _plan()
    urgent = Visit("urgent", 3, H, deadline_s=14 * H, priority=3)
    result = insert_urgent(p, plan, urgent)
    assert isinstance(result, Solution)
    assert validate(with_visit(p, urgent), result) == []
    stops = {s.visit_id: s for r in result.routes for s in r.stops}
    assert stops["urgent"].arrival_s <= 14 * H
    assert set(stops) == {v.id for v in p.visits} | {"urgent"}


def test_urgent_visit_without_a_skilled_engineer_is_refused() -> None:
    p, plan = _plan()
    urgent = Visit("x", 3, H, skills=frozenset({"welding"}))
    assert insert_urgent(p, plan, urgent) == NoInsertion("x", "no_skill")


def test_urgent_visit_that_would_break_a_promise_is_refused() -> None:
    p, plan = _plan()
    urgent = Visit("x", 3, H, deadline_s=8 * H + 60)  # 40+ km from anyone, due in a minute
    assert insert_urgent(p, plan, urgent) == NoInsertion("x", "deadline_unreachable")


def test_sick_engineer_visits_replanned_and_started_visit_kept() -> None:
    p, plan = _plan()
    b_route = plan.route_of("b")
    assert b_route is not None
    assert b_route.stops
    started = b_route.stops[0].visit_id
    visits = tuple(dataclasses.replace(v, pinned_vehicle="b") if v.id == started else v for v in p.visits)
    without_a = dataclasses.replace(p, vehicles=(p.vehicle("b"),), visits=visits)
    committed = {r.vehicle_id: [s.visit_id for s in r.stops] for r in plan.routes}
    replanned = solve(without_a, FAST, initial_routes=committed)
    assert validate(without_a, replanned) == []
    (route,) = replanned.routes
    assert route.vehicle_id == "b"
    assert started in {s.visit_id for s in route.stops}
    assert {s.visit_id for s in route.stops} | {u.visit_id for u in replanned.unassigned} == {
        v.id for v in p.visits
    }


def test_insertion_1000_visits_100_engineers_well_under_a_second() -> None:
    rng = np.random.default_rng(7)
    n_loc = 1100
    xy = rng.uniform(0, 100, size=(n_loc, 2))
    km = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2)).astype(np.int64)
    matrix = RoutingMatrix(km * 1000, km * 60, np.ones(km.shape, dtype=np.bool_))
    vehicles = tuple(Vehicle(f"e{k}", 1000 + k, 1000 + k, shifts(3)) for k in range(100))
    visits = tuple(Visit(f"w{i}", i, 30 * 60, deadline_s=3 * DAY) for i in range(1000))
    p = Problem(vehicles, visits, matrix, 3 * DAY)
    # A committed plan: each engineer takes the 10 visits assigned round-robin, nearest-first.
    routes = []
    for k, veh in enumerate(vehicles):
        mine = sorted(visits[k::100], key=lambda v: int(km[veh.start, v.location]))
        routes.append(schedule(p, veh, mine))
    plan = Solution(
        tuple(routes),
        (),
        sum(r.distance for r in routes),
        sum(r.travel_s for r in routes),
        sum(r.overtime_s for r in routes),
    )
    assert validate(p, plan) == []
    urgent = Visit("urgent", 500, H, deadline_s=14 * H, priority=3)
    started = time.perf_counter()
    result = insert_urgent(p, plan, urgent)
    elapsed = time.perf_counter() - started
    assert isinstance(result, Solution)
    assert validate(with_visit(p, urgent), result) == []
    assert elapsed < 1.0
