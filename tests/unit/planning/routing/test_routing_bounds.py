"""The capacity bound: "no plan can serve these" is proven, never assumed (R-DI-2 deadlines).

Checked against a brute force on small problems: whenever the bound says ``k`` visits must be
dropped, the exact scheduler finds no order that keeps more than ``n − k`` of them on time.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from dispatch.planning.routing import Problem, RoutingMatrix, Shift, Vehicle, Visit
from dispatch.planning.routing.bounds import capacity_bounds, must_drop
from dispatch.planning.routing.schedule import Infeasible, schedule

HOUR = 3600


def _problem(
    services: list[int], deadline: int, minutes_apart: int = 0, shift_end: int = 3 * HOUR
) -> Problem:
    """One engineer at location 0; visits at 1…n, ``minutes_apart`` from the start and each other."""
    n = len(services) + 1
    seconds = np.full((n, n), minutes_apart * 60, dtype=np.int64)
    np.fill_diagonal(seconds, 0)
    matrix = RoutingMatrix(seconds * 10, seconds, np.ones((n, n), dtype=np.bool_))
    visits = tuple(
        Visit(id=f"v{i}", location=i + 1, service_s=s, deadline_s=deadline) for i, s in enumerate(services)
    )
    vehicle = Vehicle(id="wang", start=0, end=None, shifts=(Shift(0, shift_end),))
    return Problem(vehicles=(vehicle,), visits=visits, matrix=matrix, horizon_s=24 * HOUR)


def _most_served(problem: Problem) -> int:
    best = 0
    for size in range(1, len(problem.visits) + 1):
        for order in itertools.permutations(problem.visits, size):
            try:
                schedule(problem, problem.vehicles[0], list(order))
            except Infeasible:
                continue
            best = size
            break
    return best


def test_three_half_hour_jobs_fit_one_hour_when_the_last_arrival_is_on_the_deadline() -> None:
    problem = _problem([1800, 1800, 1800], deadline=HOUR)
    assert must_drop(problem, problem.visits) == 0
    assert _most_served(problem) == 3


def test_a_fourth_job_is_proven_beyond_capacity() -> None:
    problem = _problem([1800, 1800, 1800, 1800], deadline=HOUR)
    [bound] = capacity_bounds(problem, problem.visits)
    assert (bound.visits, bound.must_drop) == (4, 1)
    assert bound.need_s > bound.available_s
    assert _most_served(problem) == 3


@pytest.mark.parametrize("shift_end", [HOUR // 2, HOUR, 3 * HOUR])
@pytest.mark.parametrize("minutes_apart", [0, 10, 25])
@pytest.mark.parametrize("services", [[900, 900, 900, 900], [2400, 600, 600, 1200], [300, 3000, 300]])
def test_the_bound_never_claims_more_than_the_exact_optimum_drops(
    minutes_apart: int, services: list[int], shift_end: int
) -> None:
    problem = _problem(services, deadline=HOUR, minutes_apart=minutes_apart, shift_end=shift_end)
    assert must_drop(problem, problem.visits) <= len(services) - _most_served(problem)


def test_no_deadline_no_bound() -> None:
    problem = _problem([1800], deadline=HOUR)
    free = Problem(
        vehicles=problem.vehicles,
        visits=(Visit(id="free", location=1, service_s=1800),),
        matrix=problem.matrix,
        horizon_s=problem.horizon_s,
    )
    assert capacity_bounds(free, free.visits) == []
