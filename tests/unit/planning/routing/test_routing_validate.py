"""The independent validator catches deliberately broken plans (never publish one)."""

from __future__ import annotations

import dataclasses

import pytest

from dispatch.planning.routing import Problem, Solution, SolveParams, Visit, solve, validate

from ._helpers import H, engineer, problem

FAST = SolveParams(time_limit_s=None, solution_limit=50)


@pytest.fixture
def planned() -> tuple[Problem, Solution]:
    visits = [
        Visit("a", 1, H, deadline_s=11 * H),
        Visit("b", 2, 2 * H, skills=frozenset({"hydraulic"})),
    ]
    p = problem([0, 60, 120], [engineer("e", skills=["hydraulic"], days=1)], visits, days=1)
    plan = solve(p, FAST)
    assert validate(p, plan) == []
    assert len(plan.routes[0].stops) == 2
    return p, plan


def _with_route(plan: Solution, **changes: object) -> Solution:
    route = dataclasses.replace(plan.routes[0], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(plan, routes=(route,))


def _codes(p: Problem, plan: Solution) -> set[str]:
    return {v.code for v in validate(p, plan)}


def test_arrival_faster_than_the_matrix_allows(planned: tuple[Problem, Solution]) -> None:
    p, plan = planned
    first = plan.routes[0].stops[0]
    early = dataclasses.replace(
        first, arrival_s=first.arrival_s - 600, start_s=first.start_s - 600, end_s=first.end_s - 600
    )
    broken = _with_route(plan, stops=(early, *plan.routes[0].stops[1:]))
    assert "travel_time" in _codes(p, broken)


def test_missed_deadline(planned: tuple[Problem, Solution]) -> None:
    p, plan = planned
    tight = dataclasses.replace(p, visits=(dataclasses.replace(p.visits[0], deadline_s=8 * H), p.visits[1]))
    assert "deadline" in _codes(tight, plan)


def test_visit_served_twice_and_one_missing(planned: tuple[Problem, Solution]) -> None:
    p, plan = planned
    stops = plan.routes[0].stops
    broken = _with_route(plan, stops=(stops[0], stops[0]))
    assert {"duplicate_visit", "missing_visit"} <= _codes(p, broken)


def test_engineer_without_the_skill(planned: tuple[Problem, Solution]) -> None:
    p, plan = planned
    unskilled = dataclasses.replace(p, vehicles=(dataclasses.replace(p.vehicles[0], skills=frozenset()),))
    assert "skill" in _codes(unskilled, plan)


def test_break_dropped_from_a_route_that_works_through_noon(
    planned: tuple[Problem, Solution],
) -> None:
    p, plan = planned
    assert plan.routes[0].breaks
    assert "break_missing" in _codes(p, _with_route(plan, breaks=()))


def test_service_moved_onto_the_break(planned: tuple[Problem, Solution]) -> None:
    p, plan = planned
    route = plan.routes[0]
    b = route.breaks[0]
    last = route.stops[-1]
    onto = dataclasses.replace(last, start_s=b.start_s, end_s=b.start_s + 2 * H)
    codes = _codes(p, _with_route(plan, stops=(*route.stops[:-1], onto)))
    assert "break_overlap" in codes


def test_service_outside_the_shift(planned: tuple[Problem, Solution]) -> None:
    p, plan = planned
    route = plan.routes[0]
    last = route.stops[-1]
    late = dataclasses.replace(last, arrival_s=17 * H, start_s=17 * H, end_s=19 * H)
    assert "shift" in _codes(p, _with_route(plan, stops=(*route.stops[:-1], late)))


def test_wrong_totals(planned: tuple[Problem, Solution]) -> None:
    p, plan = planned
    assert "totals" in _codes(p, dataclasses.replace(plan, distance=plan.distance - 1))
