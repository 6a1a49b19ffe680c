"""The VRPLIB reader on a Solomon file (DIMACS convention) and the BKS plan through validate."""

from __future__ import annotations

from bench.vrptw import DATA_DIR, HOMBERGER_200_DIR, load_bks
from bench.vrptw import SOLOMON_DIR as SOLOMON
from dispatch.planning.routing import Solution, SolveParams, solve, validate
from dispatch.planning.routing.schedule import schedule
from dispatch.planning.routing.vrplib import read_instance, read_solution, route_distance, tenths


def test_r101_bks_distance_recomputed_from_the_sol_file() -> None:
    inst = read_instance(SOLOMON / "R101.vrp")
    routes, cost = read_solution(SOLOMON / "R101.sol")
    assert inst.fleet == 25
    assert len(inst.problem.visits) == 100
    assert cost == 1637.7
    assert abs(tenths(route_distance(inst, routes)) - cost) <= cost * 0.001


def test_r101_bks_routes_are_a_valid_plan_of_the_model() -> None:
    inst = read_instance(SOLOMON / "R101.vrp")
    routes, _ = read_solution(SOLOMON / "R101.sol")
    p = inst.problem
    by_id = {v.id: v for v in p.visits}
    planned = tuple(
        schedule(p, veh, [by_id[str(c)] for c in r]) for veh, r in zip(p.vehicles, routes, strict=False)
    )
    planned += tuple(schedule(p, veh, []) for veh in p.vehicles[len(routes) :])
    plan = Solution(planned, (), sum(r.distance for r in planned), sum(r.travel_s for r in planned))
    assert validate(p, plan) == []
    assert tenths(plan.distance) == 1637.7


def test_c101_solves_feasibly_with_a_solution_limit() -> None:
    inst = read_instance(SOLOMON / "C101.vrp")
    plan = solve(inst.problem, SolveParams(time_limit_s=None, solution_limit=200))
    assert validate(inst.problem, plan) == []
    assert plan.unassigned == ()


def test_every_kept_instance_has_its_solution_and_dimacs_bks() -> None:
    """The data in ``bench/data/vrptw`` is complete: 56 Solomon + 60 GH-200, each ``.sol``'s cost is the BKS."""
    files = sorted(SOLOMON.glob("*.vrp")) + sorted(HOMBERGER_200_DIR.glob("*.vrp"))
    assert len(files) == 116
    bks = load_bks(DATA_DIR / "bks.csv", files)
    for vrp in files:
        _, cost = read_solution(vrp.with_suffix(".sol"))
        assert bks[vrp.stem] == cost, vrp.name
