"""Bad input: a clear error naming the field, or a plan with reasons; never a hang."""

from __future__ import annotations

import numpy as np
import pytest

from dispatch.routing import (
    InvalidRoutingInput,
    Problem,
    SolveParams,
    TravelMatrix,
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
        TravelMatrix(np.zeros((2, 3), np.int64), np.zeros((2, 3), np.int64), np.ones((2, 3), np.bool_))
    with pytest.raises(InvalidRoutingInput) as err:
        TravelMatrix(-np.ones((2, 2), np.int64), np.zeros((2, 2), np.int64), np.ones((2, 2), np.bool_))
    assert err.value.field == "matrix.meters"


def test_unreachable_pairs_give_reasons_not_hangs() -> None:
    m = line_matrix([0, 10, 20])
    reach = np.ones((3, 3), dtype=np.bool_)
    reach[:, 2] = reach[2, :] = False
    reach[2, 2] = True
    matrix = TravelMatrix(m.meters, m.seconds, reach)
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
