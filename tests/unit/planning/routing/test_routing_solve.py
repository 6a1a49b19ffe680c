"""Deadlines at the 24/48/72 h promises (R-DI-2), skills (R-DI-6), breaks and overnight trips."""

from __future__ import annotations

import pytest

from dispatch.planning.routing import SolveParams, TimeWindow, Visit, solve, validate

from ._helpers import DAY, H, engineer, problem

FAST = SolveParams(time_limit_s=None, solution_limit=50)
REQUEST = 10 * H  # the call came in at 10:00 on day 1


@pytest.mark.parametrize(("hours", "km"), [(24, 660), (48, 1200), (72, 1740)])
def test_r_di_2_deadline_met_exactly_at_its_boundary(hours: int, km: int) -> None:
    # 540 km a day, then 120 km from 08:00 to 10:00: arrival exactly at request + promise.
    days = hours // 24 + 1
    visit = Visit("w", 1, 30 * 60, deadline_s=REQUEST + hours * H)
    p = problem([0, km], [engineer("e", end=None, days=days)], [visit], days=days)
    plan = solve(p, FAST)
    assert validate(p, plan) == []
    (stop,) = plan.routes[0].stops
    assert stop.arrival_s == REQUEST + hours * H
    assert plan.unassigned == ()


@pytest.mark.parametrize(("hours", "km"), [(24, 660), (48, 1200), (72, 1740)])
def test_r_di_2_deadline_one_minute_short_is_unassigned_with_reason(hours: int, km: int) -> None:
    days = hours // 24 + 1
    visit = Visit("w", 1, 30 * 60, deadline_s=REQUEST + hours * H - 60)
    p = problem([0, km], [engineer("e", end=None, days=days)], [visit], days=days)
    plan = solve(p, FAST)
    assert validate(p, plan) == []
    assert [(u.visit_id, u.reason) for u in plan.unassigned] == [("w", "deadline_unreachable")]


def test_overnight_trip_900_km_takes_two_days_and_sleeps_away() -> None:
    # Day 1: 540 km (08-12, 13-18). Day 2: 240 km by 12:00, break, 120 km more: 15:00.
    visit = Visit("far", 1, H, deadline_s=2 * DAY)
    p = problem([0, 900], [engineer("e", end=None)], [visit])
    plan = solve(p, FAST)
    assert validate(p, plan) == []
    route = plan.routes[0]
    assert route.stops[0].arrival_s == DAY + 15 * H
    assert [(b.start_s, b.end_s) for b in route.breaks] == [(12 * H, 13 * H), (DAY + 12 * H, DAY + 13 * H)]


def test_r_di_6_skills_respected_and_missing_skill_reported() -> None:
    visits = [
        Visit("hyd", 1, H, skills=frozenset({"hydraulic"})),
        Visit("elec", 2, H, skills=frozenset({"electrical"})),
        Visit("nobody", 1, H, skills=frozenset({"welding"})),
    ]
    vehicles = [engineer("a", skills=["electrical"]), engineer("b", 3, end=3, skills=["hydraulic"])]
    p = problem([0, 10, 20, 30], vehicles, visits)
    plan = solve(p, FAST)
    assert validate(p, plan) == []
    assert [s.visit_id for s in plan.route_of("b").stops] == ["hyd"]  # type: ignore[union-attr]
    assert [s.visit_id for s in plan.route_of("a").stops] == ["elec"]  # type: ignore[union-attr]
    assert [(u.visit_id, u.reason) for u in plan.unassigned] == [("nobody", "no_skill")]


def test_break_is_taken_and_never_overlaps_work() -> None:
    # 300 km from 08:00: 240 km by noon, the break, 60 km more: arrive 14:00, not 13:00.
    visits = [
        Visit("a", 1, 2 * H, deadline_s=14 * H),
        Visit("b", 2, 3 * H, windows=(TimeWindow(11 * H, 13 * H),)),
    ]
    p = problem([0, 300, 5], [engineer("e", end=None), engineer("f", end=None)], visits)
    plan = solve(p, FAST)
    assert validate(p, plan) == []
    stops = {s.visit_id: s for r in plan.routes for s in r.stops}
    assert stops["a"].arrival_s == 14 * H
    # b (3 h, must start 11:00-13:00) can only start at 13:00, after the break.
    assert stops["b"].start_s == 13 * H
    for route in plan.routes:
        if route.stops:
            assert any(b.start_s == 12 * H for b in route.breaks)


def test_window_that_only_fits_across_the_break_is_unassigned() -> None:
    visit = Visit("x", 1, 2 * H, windows=(TimeWindow(11 * H, 11 * H + 1800),))
    p = problem([0, 5], [engineer("e", days=1)], [visit], days=1)
    plan = solve(p, FAST)
    assert [(u.visit_id, u.reason) for u in plan.unassigned] == [("x", "deadline_unreachable")]


def test_shift_capacity_reason_when_each_fits_alone_but_not_together() -> None:
    visits = [Visit(f"v{i}", 1, 3 * H, deadline_s=18 * H) for i in range(3)]
    p = problem([0, 10], [engineer("e", days=1)], visits, days=1)
    plan = solve(p, FAST)
    assert validate(p, plan) == []
    assert len(plan.routes[0].stops) == 2
    assert [u.reason for u in plan.unassigned] == ["capacity"]


def test_priority_decides_who_is_dropped() -> None:
    visits = [Visit("routine", 1, 4 * H), Visit("urgent", 1, 4 * H, priority=3), Visit("other", 1, 4 * H)]
    p = problem([0, 10], [engineer("e", days=1)], visits, days=1)
    plan = solve(p, FAST)
    assert "urgent" in {s.visit_id for s in plan.routes[0].stops}
