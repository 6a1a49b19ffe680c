"""Bad input: a clear error naming the field, or a plan with reasons; never a hang."""

from __future__ import annotations

import numpy as np
import pytest

from dispatch.planning.routing import (
    InvalidRoutingInput,
    Problem,
    RoutingMatrix,
    SolveParams,
    TimeWindow,
    Visit,
    solve,
    validate,
)

from ._helpers import DAY, H, engineer, line_matrix, problem


def test_zero_length_horizon_is_rejected() -> None:
    with pytest.raises(InvalidRoutingInput) as err:
        Problem((), (), line_matrix([0]), 0)
    assert err.value.field == "horizon_s"


@pytest.mark.parametrize("limit", [0.0, -1.0, 1e9])
def test_time_limit_out_of_range(limit: float) -> None:
    with pytest.raises(InvalidRoutingInput) as err:
        SolveParams(time_limit_s=limit)
    assert err.value.field == "time_limit_s"
    assert isinstance(err.value, ValueError)


@pytest.mark.parametrize("workers", [0, -1, 65])
def test_workers_out_of_range(workers: int) -> None:
    with pytest.raises(InvalidRoutingInput) as err:
        SolveParams(workers=workers)
    assert err.value.field == "workers"


def test_no_limit_at_all_is_rejected() -> None:
    with pytest.raises(InvalidRoutingInput, match="time_limit_s"):
        SolveParams(time_limit_s=None)


def test_engineer_location_outside_the_matrix() -> None:
    with pytest.raises(InvalidRoutingInput) as err:
        problem([0, 10], [engineer("e", start=7)], [])
    assert err.value.field == "vehicles[0].start"


def test_shift_beyond_horizon() -> None:
    with pytest.raises(InvalidRoutingInput) as err:
        problem([0, 10], [engineer("e", days=3)], [], days=2)
    assert err.value.field == "vehicles[0].shifts[2]"


def test_negative_or_misshapen_matrix() -> None:
    with pytest.raises(InvalidRoutingInput):
        RoutingMatrix(np.zeros((2, 3), np.int64), np.zeros((2, 3), np.int64), np.ones((2, 3), np.bool_))
    with pytest.raises(InvalidRoutingInput) as err:
        RoutingMatrix(-np.ones((2, 2), np.int64), np.zeros((2, 2), np.int64), np.ones((2, 2), np.bool_))
    assert err.value.field == "matrix.meters"


def test_unreachable_pairs_give_reasons_not_hangs() -> None:
    m = line_matrix([0, 10, 20])
    reach = np.ones((3, 3), dtype=np.bool_)
    reach[:, 2] = reach[2, :] = False
    reach[2, 2] = True
    matrix = RoutingMatrix(m.meters, m.seconds, reach)
    visits = (Visit("island", 2, H), Visit("ok", 1, H, deadline_s=DAY))
    p = Problem((engineer("e", days=1),), visits, matrix, DAY)
    plan = solve(p, SolveParams(time_limit_s=None, solution_limit=10))
    assert validate(p, plan) == []
    assert [(u.visit_id, u.reason) for u in plan.unassigned] == [("island", "unreachable")]
    assert [s.visit_id for s in plan.routes[0].stops] == ["ok"]


def test_no_engineers_at_all() -> None:
    p = problem([0, 10], [], [Visit("w", 1, H)])
    plan = solve(p, SolveParams(time_limit_s=1.0))
    assert [(u.visit_id, u.reason) for u in plan.unassigned] == [("w", "no_skill")]


def test_window_opening_after_the_deadline_does_not_break_the_model() -> None:
    """R-DI-2: a customer who can only receive us after the promised arrival time. The model
    must not fail as a whole (it did: an inverted service-start range); the visit is either
    served with the arrival by the deadline, or comes back unassigned with a reason."""
    late_window = Visit("late", 1, 30 * 60, windows=(TimeWindow(10 * H, 12 * H),), deadline_s=9 * H)
    easy = Visit("easy", 2, 30 * 60, deadline_s=DAY)
    solution = solve(
        problem([0, 60, 120], [engineer("e1")], [late_window, easy]), SolveParams(solution_limit=50)
    )
    assert not validate(problem([0, 60, 120], [engineer("e1")], [late_window, easy]), solution)
    served = {stop.visit_id for route in solution.routes for stop in route.stops}
    assert "easy" in served
    assert "late" in served or any(u.visit_id == "late" for u in solution.unassigned)
