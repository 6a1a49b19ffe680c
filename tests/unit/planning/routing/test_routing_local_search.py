"""Our own VRPTW search (``local_search``, ``classic``): every priced move is exact and feasible.

The instances are small random Solomon-like ones (seeded), so the tests are fast and exercise
tight windows and capacity; the checks recompute everything from scratch, never trust the
vectorised bookkeeping.
"""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from bench.vrptw import SOLOMON_DIR as SOLOMON
from dispatch.planning.routing import (
    Problem,
    RoutingMatrix,
    Shift,
    SolveParams,
    TimeWindow,
    Vehicle,
    Visit,
    solve,
)
from dispatch.planning.routing import validate as validate_plan
from dispatch.planning.routing.classic import _recreate, _ruin, construct, core_of, improve
from dispatch.planning.routing.local_search import (
    Core,
    _oropt,
    _reversals,
    apply_move,
    changed,
    cost_of,
    descend,
    feasible,
    inter_moves,
    layout,
)

from ._helpers import engineer, problem


def _instance(n: int, seed: int, fleet: int = 12, width: int = 300) -> Problem:
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 100, size=(n + 1, 2)).astype(np.float64)
    xy[0] = (50, 50)
    d = np.floor(10 * np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2))).astype(np.int64)
    matrix = RoutingMatrix(d, d.copy(), np.ones(d.shape, dtype=np.bool_))
    horizon = 10_000
    visits = []
    for i in range(1, n + 1):
        lo = int(rng.integers(d[0, i], horizon - d[i, 0] - 100 - width))
        visits.append(Visit(str(i), i, 100, (TimeWindow(lo, lo + width),), demand=int(rng.integers(1, 30))))
    vehicles = tuple(Vehicle(f"v{k}", 0, 0, (Shift(0, horizon),), capacity=100) for k in range(fleet))
    return Problem(vehicles, tuple(visits), matrix, horizon + 1, cost="distance")


def _core(p: Problem) -> Core:
    core = core_of(p, p.visits)
    assert core is not None
    return core


def _complete(core: Core, routes: list[list[int]]) -> bool:
    served = sorted(u for r in routes for u in r)
    return served == list(range(1, core.n + 1)) and sum(1 for r in routes if r) <= core.fleet


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_priced_inter_route_move_has_the_stated_delta_and_stays_feasible(seed: int) -> None:
    core = _core(_instance(40, seed, fleet=40))
    routes = construct(core, random.Random(seed))
    assert routes is not None
    # Ruin the constructed solution a little so that improving moves exist.
    rng = random.Random(seed)
    for r in routes:
        rng.shuffle(r)
        while r and not feasible(core, r):
            r.pop()
    todo = [u for u in range(1, core.n + 1) if all(u not in r for r in routes)]
    for u in todo:
        routes[next(i for i, r in enumerate(routes) if not r)].append(u)
    assert _complete(core, routes) and all(feasible(core, r) for r in routes)
    lay = layout(core, routes)
    moves = inter_moves(core, lay)
    assert moves, "a shuffled plan must offer improving moves"
    before = cost_of(core, routes)
    for delta, kind, a, b, _, _ in moves[:200]:
        trial = [list(r) for r in routes]
        apply_move(trial, lay, kind, a, b)
        assert _complete(core, trial)
        assert all(feasible(core, r) for r in trial), (kind, a, b)
        assert cost_of(core, trial) - before == delta


def test_descent_and_search_keep_every_customer_feasible_and_never_get_worse() -> None:
    core = _core(_instance(60, 7))
    start = construct(core, random.Random(0))
    assert start is not None and _complete(core, start)
    first = cost_of(core, start)
    polished = descend(core, [list(r) for r in start])
    assert cost_of(core, polished) <= first
    best = improve(core, 0.3, seed=0, start=polished)
    assert best is not None and _complete(core, best)
    assert all(feasible(core, r) for r in best)
    assert cost_of(core, best) <= cost_of(core, polished)


def test_product_shaped_problems_are_not_classic() -> None:
    """Breaks, several shifts or skills keep the search on OR-Tools alone (R-DI-2 model)."""
    p = problem([0, 10, 20], [engineer("e1", skills=["hvac"])], [Visit("a", 1, 600)])
    assert core_of(p, p.visits) is None


def test_solve_with_own_search_share_returns_a_valid_complete_plan() -> None:
    p = _instance(30, 11)
    plan = solve(p, SolveParams(time_limit_s=1.0, own_search_share=0.5))
    assert validate_plan(p, plan) == []
    assert plan.unassigned == ()
    assert "own_distance" in plan.stats
    assert plan.distance <= plan.stats["own_distance"]


def test_r101_search_reaches_within_three_percent_of_bks_quickly() -> None:
    from dispatch.planning.routing.vrplib import read_instance

    inst = read_instance(SOLOMON / "R101.vrp")
    core = _core(inst.problem)
    best = improve(core, 1.0, seed=0)
    assert best is not None and _complete(core, best)
    assert cost_of(core, best) <= 16377 * 1.03


@pytest.mark.parametrize("seed", [1, 2])
def test_every_intra_route_candidate_has_the_stated_delta(seed: int) -> None:
    """Or-opt strings and 2-opt reversals are priced exactly, also for asymmetric costs."""
    rng = np.random.default_rng(seed)
    cost = rng.integers(1, 100, size=(13, 13)).astype(np.int64)
    seq = [int(u) for u in rng.permutation(np.arange(1, 13))]
    path = np.asarray([0, *seq, 0])

    def total(s: list[int]) -> int:
        p = [0, *s, 0]
        return int(sum(cost[a, b] for a, b in itertools.pairwise(p)))

    cands = _oropt(cost, path, seq) + _reversals(cost, path, seq)
    assert cands
    for delta, trial in cands:
        assert sorted(trial) == sorted(seq)
        assert total(trial) - total(seq) == delta


@pytest.mark.parametrize("seed", [4, 5])
def test_descent_on_changed_routes_only_reaches_a_full_local_optimum(seed: int) -> None:
    """Pricing only moves that touch changed routes loses no improving inter-route move."""
    core = _core(_instance(50, seed, fleet=20))
    routes = construct(core, random.Random(seed))
    assert routes is not None
    routes += [[] for _ in range(core.fleet - len(routes))]
    rng = random.Random(seed)
    near = [[], *(np.argsort(core.cost[1:, 1:], axis=1)[:, 1:11] + 1).tolist()]
    for _ in range(5):
        trial = [list(r) for r in routes]
        removed = _ruin(core, trial, near, rng)
        assert _recreate(core, trial, removed, None, regret=True, opening=True)
        assert _complete(core, trial) and all(feasible(core, r) for r in trial)
        descend(core, trial, changed(routes, trial))
        assert inter_moves(core, layout(core, trial)) == []
        routes = trial


def test_solve_with_two_workers_returns_a_valid_complete_plan() -> None:
    p = _instance(30, 12)
    plan = solve(p, SolveParams(time_limit_s=2.0, own_search_share=0.9, workers=2))
    assert validate_plan(p, plan) == []
    assert plan.unassigned == ()
